// A small element builder: views are plain functions that return nodes.

type Child = Node | string | number | null | undefined | false;
// Handlers take any event type (KeyboardEvent, MouseEvent…).
type Handler = (event: never) => unknown;
type Attrs = Record<string, string | number | boolean | Handler | null | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value as unknown as EventListener);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces a container's content. */
export function mount(container: HTMLElement, ...children: (Child | Child[])[]): void {
  container.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    container.append(child instanceof Node ? child : String(child));
  }
}

/** A message that tells the user what happened and what to do. */
export function notice(
  kind: "empty" | "error" | "loading",
  title: string,
  detail?: string,
  action?: HTMLElement,
): HTMLElement {
  return h(
    "div",
    {
      class: `notice notice-${kind}`,
      role: kind === "error" ? "alert" : "status",
      "data-testid": `notice-${kind}`,
    },
    h("strong", {}, title),
    detail ? h("p", {}, detail) : null,
    action ?? null,
  );
}

/** A destructive button that asks for a second click (native confirm
 * dialogs are not reliable in every web view). */
export function confirmButton(
  label: string,
  question: string,
  action: () => Promise<void> | void,
  testid?: string,
): HTMLElement {
  let armed = false;
  let timer: number | undefined;
  const button = h(
    "button",
    {
      class: "danger",
      "data-testid": testid ?? null,
      onclick: async () => {
        if (!armed) {
          armed = true;
          button.textContent = question;
          timer = window.setTimeout(() => {
            armed = false;
            button.textContent = label;
          }, 5000);
          return;
        }
        window.clearTimeout(timer);
        await action();
      },
    },
    label,
  );
  return button;
}
