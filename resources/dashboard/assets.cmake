# What the web dashboard serves, as "served-name=file": files under src/ come from this folder,
# files under node_modules/ from the npm packages pinned in package-lock.json.
set(DASHBOARD_ASSETS
  "index.html=src/index.html"
  "dashboard.css=src/dashboard.css"
  "dashboard.js=src/dashboard.js"
  "vendor/uPlot.iife.min.js=node_modules/uplot/dist/uPlot.iife.min.js"
  "vendor/uPlot.min.css=node_modules/uplot/dist/uPlot.min.css"
  "vendor/topojson-client.min.js=node_modules/topojson-client/dist/topojson-client.min.js"
  "vendor/countries-110m.json=node_modules/world-atlas/countries-110m.json"
  "vendor/iso-codes.json=node_modules/i18n-iso-countries/codes.json"
)
