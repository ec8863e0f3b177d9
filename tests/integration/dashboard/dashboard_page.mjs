// node dashboard_page.mjs URL — opens the traffic dashboard in Debian's chromium at 1280x800 and
// answers commands read from stdin, one JSON line out per command:
//   state        what the page shows: tiles, chart data, map paths and colours, country table, the
//                last tick the page drew, and every request the page tried to send off 127.0.0.1
//                (all of which are aborted: the page must work offline)
//   shot PATH    a screenshot of the page
//   quit
// It prints {"ready": ...} first, once the page is live and the map is drawn.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const [url] = process.argv.slice(2);
const reply = (value) => process.stdout.write(JSON.stringify(value) + '\n');

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'], // chromium refuses to run as root without --no-sandbox
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Offline: anything not for 127.0.0.1 (a CDN, a font, a tile server) is aborted and remembered.
  const offsite = [];
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === '127.0.0.1') return route.continue();
    offsite.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  // The interception itself is checked: a blank page's fetch of a CDN address must be caught.
  const probe = await context.newPage();
  const probeUrl = 'https://cdn.jsdelivr.net/npm/uplot/dist/uPlot.iife.min.js';
  await probe.evaluate((u) => fetch(u).catch(() => null), probeUrl);
  const interceptsOffsite = offsite.splice(0).includes(probeUrl);
  await probe.close();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('requestfailed', (r) => !r.url().endsWith('/events') && errors.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'live'
    && document.querySelectorAll('#map path').length > 100, null, { timeout: 15000 });
  // The last tick the page drew: its own listener runs first, so the tiles show this one.
  await page.evaluate(() => window.proxflowDashboard.source.addEventListener('tick', (e) => {
    window.lastTick = JSON.parse(e.data);
  }));
  reply({ ready: true, errors, offsite, interceptsOffsite });

  const state = () => page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent;
    const d = window.proxflowDashboard;
    const seconds = [...d.points.keys()].sort((a, b) => a - b);
    const paths = [...document.querySelectorAll('#map path')];
    return {
      connection: text('connection'),
      lastTick: window.lastTick || null,
      tiles: { rps: text('rps'), errors: text('eps'), connections: text('conns'), latency: text('latency'), total: text('total') },
      points: seconds.map((s) => d.points.get(s)),
      charts: Object.fromEntries(Object.entries(d.charts).map(([name, c]) => [name, c.data])),
      chartCanvases: [...document.querySelectorAll('.uplot canvas')].map((c) => [c.width, c.height]),
      map: {
        paths: paths.length,
        withCode: paths.filter((p) => p.dataset.code).length,
        filled: Object.fromEntries(paths.filter((p) => p.dataset.code && p.dataset.requests)
          .map((p) => [p.dataset.code, { requests: Number(p.dataset.requests), fill: getComputedStyle(p).fill }])),
        defaultFill: getComputedStyle(paths.find((p) => !p.dataset.requests)).fill,
      },
      table: [...document.querySelectorAll('#countries tbody tr')].map((r) => ({
        code: r.dataset.code, cells: [...r.cells].map((c) => c.textContent) })),
    };
  });

  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.trim().split(/\s+/, 2);
    if (command === 'state') reply({ ...(await state()), errors, offsite });
    else if (command === 'shot') { await page.screenshot({ path: arg }); reply({ shot: arg }); }
    else if (command === 'quit') break;
    else reply({ error: `unknown command ${command}` });
  }
} catch (e) {
  reply({ error: String(e.stack || e) });
  process.exitCode = 1;
} finally {
  await browser.close();
}
