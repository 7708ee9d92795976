export { assetsDir, dashboardPage } from "./page.js";
export { HubViews, type ViewsOptions } from "./wiring.js";
