// A minimal W3C WebDriver client (Node's fetch): enough to drive the app
// through tauri-driver without a test framework.

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const response = await fetch(`${base}/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application } } },
      }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`new session failed: ${JSON.stringify(body)}`);
    return new Session(base, body.value.sessionId);
  }

  async command(method, path, payload) {
    const response = await fetch(`${this.base}/session/${this.id}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(body.value)}`);
    return body.value;
  }

  async find(css) {
    const value = await this.command("POST", "/element", { using: "css selector", value: css });
    return Object.values(value)[0];
  }

  async findAll(css) {
    const values = await this.command("POST", "/elements", { using: "css selector", value: css });
    return values.map((v) => Object.values(v)[0]);
  }

  /** Waits until `css` matches (and `check(element)` holds, if given). */
  async waitFor(css, { timeout = 30000, check } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        const element = await this.find(css);
        if (!check || (await check(element))) return element;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${css}${last ? `: ${last.message}` : ""}`);
  }

  click(element) {
    return this.command("POST", `/element/${element}/click`, {});
  }

  text(element) {
    return this.command("GET", `/element/${element}/text`);
  }

  attribute(element, name) {
    return this.command("GET", `/element/${element}/attribute/${name}`);
  }

  async type(element, text) {
    await this.command("POST", `/element/${element}/clear`, {});
    return this.command("POST", `/element/${element}/value`, { text });
  }

  execute(script, args = []) {
    return this.command("POST", "/execute/sync", { script, args });
  }

  screenshot() {
    return this.command("GET", "/screenshot");
  }

  end() {
    return this.command("DELETE", "");
  }
}
