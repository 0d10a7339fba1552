// A single-page app: the worker serves index.html for every page and the browser renders it.
export const ssr = false;
export const prerender = false;
