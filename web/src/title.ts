import { useEffect } from "preact/hooks";

/** The tab's title names the page, as the page's h1 does. */
export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · Credits and Plans`;
  }, [page]);
}
