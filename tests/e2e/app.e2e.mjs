// End to end in the real window: the app under Xvfb, driven over WebDriver
// (tauri-driver + WebKitWebDriver). Run by scripts/e2e.sh, which starts
// Xvfb and tauri-driver with an empty data dir in BURNRATE_DATA_DIR.
//
// A new user's path: load the demo data from the empty overview, check the
// overview's total against `burnrate summary`, switch the explorer's
// group-by, open a recommendation's evidence, follow an anomaly into the
// explorer, import a fixture and see its reconciliation (and a FOCUS
// file its conformance summary), export the
// dataset as FOCUS, add a cloud
// connection and pull it, run a report, create a schedule and run it.
// A screenshot of each view goes to $SCREENSHOTS.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Session } from "./webdriver.mjs";

const app = process.env.BURNRATE_APP;
const cli = process.env.BURNRATE_CLI;
const fixture = process.env.BURNRATE_FIXTURE;
// Some of the fixture's rows: a file the content alone cannot place.
const fixtureSubset = process.env.BURNRATE_FIXTURE_SUBSET;
const shots = process.env.SCREENSHOTS ?? "target/e2e-screenshots";
const exports = process.env.SCHEDULE_OUTPUT;
const driver = process.env.WEBDRIVER_URL ?? "http://127.0.0.1:4444";
mkdirSync(shots, { recursive: true });

const session = await Session.start(driver, app);
let step = "start";
async function shot(name) {
  // Let the charts' 250 ms animations finish.
  await new Promise((r) => setTimeout(r, 500));
  writeFileSync(join(shots, `${name}.png`), Buffer.from(await session.screenshot(), "base64"));
}
async function view(name) {
  await session.click(await session.find(`nav button[data-view="${name}"]`));
  return session.waitFor(`[data-testid="view-${name}"]`);
}
/** Scrolls the first match of `css` to the middle of the window and
 * clicks it, as a user would. */
async function clickCss(css) {
  // A view that re-renders between finding and clicking (a refresh after a
  // run) leaves a stale element: find it again, once.
  for (let attempt = 0; ; attempt++) {
    const element = await session.waitFor(css);
    await session.execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });", [css]);
    try {
      return await session.click(element);
    } catch (error) {
      if (attempt > 0 || !/stale element/.test(error.message)) throw error;
    }
  }
}

/** Picks a <select> option or a date the way a user's choice does: set the
 * value and fire `change` (WebKitWebDriver cannot click <option>s or drive
 * the native date picker). */
async function choose(selectCss, value) {
  await session.find(selectCss);
  await session.execute(
    "const s = document.querySelector(arguments[0]); s.focus(); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true }));",
    [selectCss, value],
  );
}

try {
  step = "empty overview offers the demo";
  const load = await session.waitFor('[data-testid="load-demo"]');
  await shot("00-first-launch");
  await session.click(load);

  step = "the demo imports with its reconciliation";
  await session.waitFor('[data-testid="reconciliation-row"]', { timeout: 120000 });
  const reconciled = await session.findAll('[data-testid="reconciliation-row"]');
  assert.ok(reconciled.length >= 6, `demo files reconciled: ${reconciled.length}`);
  for (const row of reconciled) assert.match(await session.text(row), /reconciled to the cent/);
  await shot("01-data-demo-loaded");

  step = "the overview total equals `burnrate summary`";
  await view("overview");
  const total = await session.waitFor('[data-testid="total-billed-USD"]', { timeout: 60000 });
  const shown = Number(await session.attribute(total, "data-value"));
  const summary = JSON.parse(execFileSync(cli, ["summary", "--by", "provider", "--format", "json"], { encoding: "utf8" }));
  const expected = summary.filter((r) => r.currency === "USD").reduce((sum, r) => sum + r.billed_cost, 0);
  assert.ok(Math.abs(shown - expected) < 0.005, `overview ${shown} vs summary ${expected}`);
  assert.match(await session.text(total), /^\$[\d,]+\.\d\d$/);
  // The demo ends 2026-10-31: the overview says how old that is and forecasts
  // the month the data has not covered yet, not the finished October.
  assert.match(await session.text(await session.waitFor('[data-testid="data-age"]')), /The data ends 2026-10-31, \d+ days ago/);
  assert.match(await session.text(await session.waitFor('[data-testid="forecast-USD"]')), /FORECAST NOVEMBER 2026|Forecast November 2026/i);
  const savings = await session.waitFor('[data-testid="potential-savings"]', { timeout: 60000 });
  assert.match(await session.text(savings), /\$[\d,]+\.\d\d.* \/ month potential savings/);
  await shot("02-overview");

  step = "the explorer switches group-by";
  await view("explorer");
  await session.waitFor('[data-testid="explore-table"]', { timeout: 60000 });
  await choose("#group-by", "subaccount");
  await session.waitFor('[data-testid="explore-table"] th', { check: async (th) => (await session.text(th)) === "subaccount" });
  const explorerTotal = await session.find('[data-testid="explore-total-billed-USD"]');
  const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
  assert.equal(await session.text(explorerTotal), usd.format(expected), "the explorer totals the same billed cost");
  const timing = await session.text(await session.find('[data-testid="explore-timing"]'));
  console.log(`explorer: ${timing}`);
  // Accounts by name beside their id (the demo's Azure subscriptions are named).
  const tables = await Promise.all(
    (await session.findAll('[data-testid="explore-table"]')).map((t) => session.text(t)),
  );
  assert.ok(
    tables.some((t) => t.includes("contoso-prod (5a1d0000-0000-4000-8000-000000000001)")),
    `an account shows as name (id): ${tables.join(" | ").slice(0, 400)}`,
  );
  await shot("03-explorer-by-account");
  // The billing lines behind a group add up to the group's row.
  const rowEffective = await session.text((await session.findAll('[data-testid="explore-table"] tbody tr td'))[2]);
  await clickCss('[data-testid="group-lines"]');
  const linesSummary = await session.waitFor('[data-testid="line-items-summary"]', { timeout: 60000 });
  assert.match(await session.text(linesSummary), new RegExp(`billing lines.*${rowEffective.replace(/[$,.]/g, "\\$&")} effective`));
  await shot("03a-explorer-billing-lines");
  await choose("#measure", "billed");
  await session.waitFor('[data-testid="explore-table"]');
  await clickCss('[data-testid="explore-table"] tbody tr td');
  await session.waitFor('[data-testid="filters"] .chip');
  // Drilling into an account moves on to its services.
  await session.waitFor('[data-testid="explore-table"] th', { check: async (th) => (await session.text(th)) === "service" });
  await shot("04-explorer-drilled");

  step = "a date preset and a comparison with the period before";
  await clickCss('[data-testid="filters"] .chip button');
  await session.waitFor('[data-testid="filters"]', { check: async (f) => (await session.findAll('[data-testid="filter-chip"]')).length === 0 });
  await choose('[data-testid="range"]', "last-month");
  // Counted back from the data's last day (2026-10-31), not from today.
  await session.waitFor('[data-testid="shown-dates"]', {
    timeout: 60000,
    check: async (el) => (await session.text(el)).startsWith("2026-09-01 to 2026-09-30 · data to 2026-10-31"),
  });
  await choose('[data-testid="compare"]', "previous_period");
  const compared = await session.waitFor('[data-testid="compare-table-USD"] tfoot', { timeout: 60000 });
  const comparedTotal = await session.text(compared);
  assert.match(comparedTotal, /^Total\s*\$[\d,]+\.\d\d\s*\$[\d,]+\.\d\d\s*[+-]\$[\d,]+\.\d\d/, comparedTotal);
  assert.match(await session.text(await session.find('[data-testid="shown-dates"]')), /compared with 2026-08-01 to 2026-08-31/);
  await shot("04a-explorer-last-month-vs-august");
  await choose('[data-testid="compare"]', "");

  step = "a filter value suggested from the data, typed in the wrong case";
  await choose('[data-testid="filter-dimension"]', "service");
  await session.click(await session.find('[data-testid="filter-value"]'));
  await session.waitFor("#filter-suggestions", {
    timeout: 60000,
    check: async (el) => Number((await session.attribute(el, "data-count")) ?? 0) > 5,
  });
  await session.type(await session.find('[data-testid="filter-value"]'), "amazon elastic compute cloud");
  await clickCss('[data-testid="add-filter"]');
  const chip = await session.waitFor('[data-testid="filter-chip"]', { timeout: 60000 });
  assert.match(await session.text(chip), /^service is Amazon Elastic Compute Cloud/);
  await session.waitFor('[data-testid="explore-table"] th', { check: async (th) => (await session.text(th)) === "service" });

  step = "a saved view is listed in the sidebar";
  await session.type(await session.find('[data-testid="view-name"]'), "EC2 last month");
  await clickCss('[data-testid="save-view"]');
  await session.waitFor('[data-testid="saved-view"]', { check: async (b) => (await session.text(b)) === "EC2 last month" });
  await shot("04b-explorer-saved-view");

  step = "tag values that differ only by case are pointed out";
  await clickCss('[data-testid="filters"] .chip button');
  await choose('[data-testid="range"]', "");
  await choose("#group-by", "tag:team");
  const hint = await session.waitFor('[data-testid="explore-hints"]', { timeout: 60000 });
  assert.match(await session.text(hint), /"web" and "Web" differ only by case/);
  await shot("04c-explorer-tag-case-hint");

  step = "a recommendation's evidence";
  await view("recommendations");
  await session.waitFor('[data-testid="recommendation-table"] tbody tr', { timeout: 60000 });
  await clickCss('[data-testid="recommendation-table"] tbody tr td');
  const rule = await session.waitFor('[data-testid="evidence-rule"]');
  assert.ok((await session.text(rule)).length > 10, "the evidence names its rule");
  await shot("05-recommendation-evidence");
  await clickCss('[data-testid="show-line-items"]');
  const evidenceLines = await session.waitFor('[data-testid="line-items-summary"]', { timeout: 60000 });
  assert.match(await session.text(evidenceLines), /^\d[\d,]* billing lines/);
  assert.ok((await session.findAll('[data-testid="line-items"] tbody tr')).length > 0, "the finding's lines are listed");
  await shot("05a-recommendation-billing-lines");

  step = "the commitments view tells one story";
  await view("commitments");
  const plan = await session.waitFor('[data-testid="savings-plan"]', { timeout: 60000 });
  const shareTotal = await session.text(await session.find('[data-testid="plan-shares-total"]'));
  assert.ok(
    (await session.text(plan)).includes(`saves ${shareTotal}/month net`),
    `the instances' shares add up to the plan's net savings (${shareTotal})`,
  );
  await shot("05b-commitments");

  step = "a saved view opens in one click";
  await clickCss('[data-testid="saved-view"]');
  await session.waitFor('[data-testid="filter-chip"]', {
    timeout: 60000,
    check: async (c) => (await session.text(c)).startsWith("service is Amazon Elastic Compute Cloud"),
  });
  await session.waitFor('[data-testid="shown-dates"]', {
    timeout: 60000,
    check: async (el) => (await session.text(el)).startsWith("2026-09-01 to 2026-09-30"),
  });
  await shot("04d-saved-view-opened");

  step = "an anomaly opens the explorer on its day";
  await view("anomalies");
  await session.waitFor('[data-testid="anomalies-since"]');
  await choose('[data-testid="anomalies-since"]', "2026-08-01");
  await session.waitFor('[data-testid="anomaly-table"] tbody tr', { timeout: 60000 });
  const anomalyText = await session.text((await session.findAll('[data-testid="anomaly-table"] tbody tr'))[0]);
  assert.match(anomalyText, /2026-09-17/);
  await shot("06-anomalies");
  await clickCss('[data-testid="anomaly-table"] tbody tr td');
  await session.waitFor('[data-testid="explore-table"]', { timeout: 60000 });
  assert.match(await session.text(await session.find('[data-testid="filters"]')), /2026|service|subaccount/);

  step = "import a fixture and see its reconciliation";
  await view("data");
  const path = await session.waitFor('[data-testid="import-path"]');
  await session.type(path, fixture);
  await session.click(await session.find('[data-testid="import-path-button"]'));
  await session.waitFor('[data-testid="reconciliation-row"]', {
    timeout: 60000,
    check: async (row) => (await session.text(row)).includes(fixture.split("/").pop()),
  });
  const fixtureRow = await session.find('[data-testid="reconciliation-row"]');
  assert.match(await session.text(fixtureRow), /reconciled to the cent/);
  await shot("07-data-imported-fixture");

  step = "a FOCUS file shows its conformance summary under its reconciliation";
  const focusFixture = join(dirname(fixture), "focus_1_2.csv");
  await session.type(await session.find('[data-testid="import-path"]'), focusFixture);
  await session.click(await session.find('[data-testid="import-path-button"]'));
  const conformance = await session.waitFor('[data-testid="focus-conformance"]', { timeout: 60000 });
  assert.match(await session.text(conformance), /FOCUS conformance: all 8 cost rules met/);
  await shot("07a-data-focus-conformance");

  step = "a file that could be a part or a restatement asks, and Replace imports it";
  await session.type(await session.find('[data-testid="import-path"]'), fixtureSubset);
  await session.click(await session.find('[data-testid="import-path-button"]'));
  const ask = await session.waitFor('[data-testid="import-replace"]', { timeout: 60000 });
  assert.match(
    await session.text(await session.find('[data-testid="import-results"]')),
    /--as-parts|Add as another part/,
  );
  await shot("07b-data-ambiguous-delivery");
  await session.click(ask);
  await session.waitFor('[data-testid="reconciliation-row"]', {
    timeout: 60000,
    check: async (row) => (await session.text(row)).includes(fixtureSubset.split("/").pop()),
  });
  assert.match(
    await session.text(await session.find('[data-testid="import-results"]')),
    /replaced an earlier delivery/,
  );

  step = "the explorer's time axis is continuous";
  // The Azure fixture is September 2023, the FOCUS one March 2025, the demo
  // August to October 2026: every month between them is on the axis (with
  // no cost), not five evenly spaced bars.
  await view("explorer");
  await session.waitFor('[data-testid="explore-table"]', { timeout: 60000 });
  // Back from the anomaly's day and service to all data.
  await choose('[data-testid="range"]', "");
  await clickCss('[data-testid="filters"] .chip button');
  await session.waitFor('[data-testid="filters"]', {
    check: async (f) => !(await session.text(f)).includes("service is"),
  });
  await choose("#period", "month");
  const axis = await session.waitFor('[data-testid="explore-chart-USD"]', {
    timeout: 60000,
    check: async (el) => ((await session.attribute(el, "data-periods")) ?? "").startsWith("2023-09"),
  });
  const axisMonths = (await session.attribute(axis, "data-periods")).split(",");
  assert.equal(axisMonths.length, 38, `2023-09 to 2026-10 is 38 months: ${axisMonths}`);
  assert.ok(axisMonths.includes("2025-03-01"), "the FOCUS fixture's month is there");
  for (let i = 1; i < axisMonths.length; i++) {
    const [y, m] = axisMonths[i - 1].split("-").map(Number);
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
    assert.ok(axisMonths[i].startsWith(next), `${axisMonths[i]} follows ${axisMonths[i - 1]}`);
  }
  await shot("07c-explorer-continuous-months");

  step = "export the dataset as FOCUS 1.3, one file per billing period";
  await view("data");
  const focusDir = join(exports, "..", "focus-export");
  await choose('[data-testid="focus-export-version"]', "1.3");
  await clickCss('[data-testid="focus-export-by-period"]');
  await session.type(await session.find('[data-testid="focus-export-path"]'), focusDir);
  await clickCss('[data-testid="focus-export-button"]');
  const done = await session.waitFor('[data-testid="focus-export-done"]', { timeout: 120000 });
  assert.match(await session.text(done), /as FOCUS 1\.3 \(parquet\)/);
  const focusFiles = readdirSync(focusDir).filter((f) => /^focus-\d{4}-\d\d\.parquet$/.test(f));
  const months = JSON.parse(execFileSync(cli, ["summary", "--by", "month", "--format", "json"], { encoding: "utf8" }));
  assert.equal(focusFiles.length, new Set(months.map((m) => m.month)).size, `one file per month: ${focusFiles}`);
  // The totals shown are the dataset's, per currency, to the cent.
  const byProvider = JSON.parse(execFileSync(cli, ["summary", "--by", "provider", "--format", "json"], { encoding: "utf8" }));
  const totalRows = await session.findAll('[data-testid="focus-export-totals"] tbody tr');
  assert.ok(totalRows.length >= 1, "the export shows its totals");
  for (const row of totalRows) {
    const currency = await session.attribute(row, "data-currency");
    const cells = await session.findAll(`[data-testid="focus-export-totals"] tr[data-currency="${currency}"] td[data-value]`);
    const shownBilled = Number(await session.attribute(cells[0], "data-value"));
    const expected = byProvider.filter((r) => r.currency === currency).reduce((sum, r) => sum + r.billed_cost, 0);
    assert.ok(Math.abs(shownBilled - expected) < 0.005, `${currency}: exported ${shownBilled} vs ${expected}`);
  }
  await shot("07c-data-focus-export");

  step = "add a cloud connection, pull it (no credentials: it says how to fix that), remove it";
  await clickCss('[data-testid="connection-new"]');
  await session.type(await session.waitFor('[data-testid="connection-name"]'), "blob-exports");
  await choose('[data-testid="connection-kind"]', "azure-export");
  await session.type(await session.waitFor('[data-testid="connection-url"]'), "http://127.0.0.1:9/devstoreaccount1/exports/cost");
  await clickCss('[data-testid="connection-save"]');
  await session.waitFor('[data-testid="connection-table"] tbody tr');
  await clickCss('[data-testid="connection-table"] tbody tr td:last-child button:nth-child(1)');
  await session.waitFor('[data-testid="pull-log"]', {
    timeout: 60000,
    check: async (log) => /FAILED/.test(await session.text(log)),
  });
  assert.match(await session.text(await session.find('[data-testid="pull-log"]')), /AZURE_STORAGE_KEY/);
  await shot("08-connections");
  // Test says the same without pulling.
  await clickCss('[data-testid="connection-table"] tbody tr td:last-child button:nth-child(2)');
  await session.waitFor('[data-testid="pull-log"]', {
    check: async (log) => /Testing blob-exports…\s+FAILED: .*AZURE_STORAGE_KEY/s.test(await session.text(log)),
  });
  // Remove asks for a second click.
  await clickCss('[data-testid="connection-table"] tbody tr td:last-child button:nth-child(4)');
  await clickCss('[data-testid="connection-table"] tbody tr td:last-child button:nth-child(4)');
  await session.waitFor('[data-testid="view-data"]', {
    check: async () => (await session.findAll('[data-testid="connection-table"]')).length === 0,
  });

  step = "run a report";
  await view("reports");
  await clickCss('[data-testid="report-list"] button');
  await session.waitFor('[data-testid="report-table"] tbody tr', { timeout: 60000 });
  await shot("09-report");
  // The chart the report declares, one per currency, as `burnrate report --chart` draws it.
  await clickCss('[data-report="cost_by_service_month"]');
  await session.waitFor('[data-testid="report-charts"]', { timeout: 60000 });
  const currencies = await Promise.all(
    (await session.findAll('[data-testid="report-charts"] .chart')).map((c) => session.attribute(c, "data-currency")),
  );
  assert.deepEqual([...currencies].sort(), ["CAD", "EUR", "USD"], "each currency has its own chart");
  await shot("09a-report-chart-by-currency");

  step = "create a schedule and run it";
  await clickCss('[data-testid="schedule-new"]');
  await session.type(await session.waitFor('[data-testid="schedule-name"]'), "monthly-export");
  await session.type(await session.find('[data-testid="schedule-output_dir"]'), exports);
  await clickCss('[data-testid="schedule-form"] fieldset input');
  await clickCss('[data-testid="schedule-save"]');
  await session.waitFor('[data-testid="schedule-table"] tbody tr');
  assert.match(await session.text(await session.find('[data-testid="schedule-table"] tbody tr')), /monthly-export/);
  // The default window (last full month) has no data: the demo ends
  // 2026-10-31. The run is a warning that says so, and writes nothing.
  await clickCss('[data-testid="schedule-table"] tbody tr td:last-child button:nth-child(2)');
  const history = await session.waitFor('[data-testid="run-history"] tbody tr', { timeout: 60000 });
  assert.match(await session.text(history), /monthly-export.*warning.*the data ends 2026-10-31/s);
  assert.equal(readdirSync(exports).length, 0, "nothing written for a window without data");
  await shot("10a-schedule-without-data");
  // Over all data: ok, one CSV, its rows in the history.
  await clickCss('[data-testid="schedule-table"] tbody tr td:last-child button:nth-child(1)');
  await choose('[data-testid="schedule-form"] select[name="window"]', "all");
  await clickCss('[data-testid="schedule-save"]');
  await session.waitFor('[data-testid="schedule-table"] tbody tr');
  await clickCss('[data-testid="schedule-table"] tbody tr td:last-child button:nth-child(2)');
  await session.waitFor('[data-testid="run-history"] tbody tr', {
    timeout: 60000,
    check: async (row) => /monthly-export.*ok.*\(\d+ rows\)/s.test(await session.text(row)),
  });
  const written = readdirSync(exports);
  assert.equal(written.length, 1, `one CSV written: ${written}`);
  assert.match(written[0], /-\d{4}-\d{2}-\d{2}_2026-10-31\.csv$/, "named by the first and last day with data");
  assert.match(readFileSync(join(exports, written[0]), "utf8"), /,/);
  await shot("10-schedules");

  step = "settings";
  await view("settings");
  await session.waitFor('[data-testid="settings"]');
  // An account name typed in Settings is saved to the config file and read back.
  await session.type(await session.find('[data-testid="setting-account-names"]'), "222222222222 = web-prod");
  await clickCss('[data-testid="settings-save"]');
  await session.waitFor('[data-testid="setting-account-names"]', {
    check: async () =>
      (await session.execute('return document.querySelector(\'[data-testid="setting-account-names"]\').value')) ===
      "222222222222 = web-prod",
  });
  assert.match(readFileSync(process.env.BURNRATE_CONFIG, "utf8"), /"?222222222222"? = "web-prod"/);
  await shot("11-settings");
  console.log(`e2e: all steps passed; screenshots in ${shots}`);
} catch (error) {
  await shot(`failed-${step.replace(/[^a-z0-9]+/gi, "-")}`).catch(() => {});
  console.error(`e2e failed at "${step}": ${error.message}`);
  process.exitCode = 1;
} finally {
  await session.end().catch(() => {});
}
