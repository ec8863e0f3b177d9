-- wrk -s countries.lua: requests from many countries, by a trusted peer's X-Forwarded-For, some of
-- them errors. Weights are uneven on purpose so the map has light and dark countries.
local clients = {
  {"81.169.145.105", 12}, -- DE
  {"8.8.8.8", 8},         -- US
  {"24.48.0.1", 3},       -- CA
  {"200.160.2.3", 3},     -- BR
  {"212.58.244.1", 4},    -- GB
  {"193.0.6.139", 2},     -- NL
  {"77.88.8.8", 2},       -- RU
  {"61.135.169.121", 3},  -- CN
  {"133.242.0.3", 2},     -- JP
  {"164.100.1.1", 2},     -- IN
  {"1.1.1.1", 1},         -- AU
  {"41.0.0.1", 1},        -- ZA
  {"192.168.1.1", 2},     -- local
}
local pool = {}
for _, c in ipairs(clients) do
  for _ = 1, c[2] do pool[#pool + 1] = c[1] end
end
local n = 0

request = function()
  n = n + 1
  local path = (n % 40 == 0) and "/error" or "/"
  return wrk.format("GET", path, { ["X-Forwarded-For"] = pool[n % #pool + 1] })
end
