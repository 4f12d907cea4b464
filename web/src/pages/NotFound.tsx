import { usePageTitle } from "../title";

export function NotFound() {
  usePageTitle("Page not found");
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This address is not one of the Credits and Plans pages. Go to the <a href="/">Usage Overview</a>.
      </p>
    </>
  );
}
