// authoring preview: keep the page up to date with the form, without reloading it.
// The server answers /events?version=V when the page is no longer version V (or after a while);
// the script then fetches the new page and swaps its head and body in, keeping the scroll
// position. When the new page embeds other stylesheets than this one's Content-Security-Policy
// allows (they are listed in data-styles), it reloads instead, and restores the scroll position.
(() => {
  "use strict";
  const SCROLL = "authoring-preview-scroll";
  let current = document.currentScript.dataset;
  let version = current.version;

  const saved = sessionStorage.getItem(SCROLL);
  if (saved !== null) {
    sessionStorage.removeItem(SCROLL);
    const [x, y] = JSON.parse(saved);
    window.scrollTo(x, y);
  }

  async function update() {
    const response = await fetch("/", { cache: "no-store" });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const policy = response.headers.get("Content-Security-Policy") ?? "";
    if (!policy.includes(`style-src ${current.styles};`)) {
      // Other stylesheets: only a new page may have them (this page's policy would block them).
      sessionStorage.setItem(SCROLL, JSON.stringify([window.scrollX, window.scrollY]));
      window.location.reload();
      return;
    }
    const next = new DOMParser().parseFromString(await response.text(), "text/html");
    const marker = next.querySelector("script[data-version]");
    if (marker === null) throw new Error("the new page has no version");
    const [x, y] = [window.scrollX, window.scrollY];
    document.head.replaceWith(document.adoptNode(next.head));
    document.body.replaceWith(document.adoptNode(next.body));
    window.scrollTo(x, y);
    current = marker.dataset;
    version = current.version;
  }

  async function watch() {
    for (;;) {
      try {
        const response = await fetch(`/events?version=${encodeURIComponent(version)}`, { cache: "no-store" });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        const news = await response.json();
        if (news.version !== version) await update();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // the server is restarting, or stopped
      }
    }
  }

  watch();
})();
