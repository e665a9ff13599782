// The page's behaviour that Streamlit has no option for, set once per browser tab by ui/theme.py on every page:
// - the calendars speak the session's language: Streamlit formats them in the browser's language
//   (navigator.language, read at every render), so the page's language stands in for it; a range calendar's
//   English quick-select labels are put in words of the session's language;
// - on a narrow screen the sidebar closes once a page is picked in it, as Streamlit does by itself only when the
//   browser says it is a phone.
export default function (component) {
  const { data } = component;
  if (!data) return;
  const g = (window.__gongzhiTheme ??= { words: {}, locale: null, narrow: 768 });
  g.words = data.words || {};
  g.narrow = data.narrow || 768;
  if (g.locale !== data.locale) {
    g.locale = data.locale;
    Object.defineProperty(window.navigator, "language", { configurable: true, get: () => g.locale });
    Object.defineProperty(window.navigator, "languages", { configurable: true, get: () => [g.locale] });
  }
  if (!g.started) {
    g.started = true;
    const QUICK = '[data-testid="stDateInputQuickSelect"], [data-testid="stDateInputQuickSelectPopover"]';
    const translate = (root) => {
      for (const box of root.querySelectorAll(QUICK)) {
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const word = g.words[node.nodeValue.trim()];
          if (word && node.nodeValue !== word) node.nodeValue = word;
        }
      }
    };
    new MutationObserver(() => translate(document.body))
      .observe(document.body, { childList: true, subtree: true, characterData: true });
    document.addEventListener("click", (event) => {
      if (window.innerWidth > g.narrow) return;
      if (!event.target.closest?.('[data-testid="stSidebarNav"] a')) return;
      setTimeout(() => {  // after Streamlit's own handler, which closes it on a phone's browser
        const sidebar = document.querySelector('[data-testid="stSidebar"]');
        if (sidebar?.dataset.collapsed !== "false") return;
        document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
      }, 0);
    }, true);
  }
}
