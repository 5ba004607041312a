// Captures the documentation's pictures from a running service and telemetry viewer with Debian's
// headless Chromium (playwright-core drives it; no browser is downloaded). Normally started by
// scripts/screenshots.sh, which starts both and sends the traffic first.
//
//   API_URL=http://127.0.0.1:5000 VIEWER_URL=http://127.0.0.1:18888 TRACE_ID=<32 hex> \
//     node scripts/screenshots.mjs [output directory, default docs/images]
//
// CHROMIUM_PATH overrides /usr/bin/chromium.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

const apiUrl = required('API_URL');
const viewerUrl = required('VIEWER_URL');
const traceId = required('TRACE_ID');
const outDir = process.argv[2] ?? 'docs/images';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see the header of ${path.basename(process.argv[1])})`);
    process.exit(64);
  }
  return value.replace(/\/$/, '');
}

await mkdir(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // Chromium's own background traffic (updates, sync, QUIC probes) has no place in a
  // reproducible capture; the flags also keep it quiet on machines without a GPU or a sandbox.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);

  // Swagger UI, with "create a resource" opened so that its request example and responses show.
  await page.goto(`${apiUrl}/swagger`, { waitUntil: 'networkidle' });
  await page.locator('.opblock').first().waitFor();
  const create = page.locator('.opblock.opblock-post').filter({ hasText: '/api/resources' }).first();
  await create.locator('.opblock-summary').first().click();
  await create.locator('.opblock-body').waitFor();
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(outDir, 'swagger-ui.png'), fullPage: false });
  console.log(`wrote ${path.join(outDir, 'swagger-ui.png')}`);

  // The trace of the create request in the viewer (Aspire Dashboard, a Blazor app that renders
  // after its circuit connects: wait for the span names, not for the load event).
  await page.setViewportSize({ width: 1600, height: 760 });
  await page.goto(`${viewerUrl}/traces/detail/${traceId}`, { waitUntil: 'networkidle' });
  await page.getByText('validation', { exact: true }).first().waitFor();
  // The viewer warns that it runs unsecured (it does, on localhost): true, but not the subject.
  const dismiss = page.getByLabel('Dismiss notification');
  if (await dismiss.count()) {
    await dismiss.first().click();
    await page.getByText('Endpoint is unsecured').waitFor({ state: 'detached' });
  }
  // Opening the operation span shows its attributes (operation.type, resource.id, ...).
  await page.getByText('create_resource', { exact: true }).first().click();
  await page.getByText('operation.type', { exact: false }).first().waitFor();
  await page.waitForTimeout(1_000); // the span bars and the details pane animate in
  await page.screenshot({ path: path.join(outDir, 'trace.png'), fullPage: false });
  console.log(`wrote ${path.join(outDir, 'trace.png')}`);
} finally {
  await browser.close();
}
