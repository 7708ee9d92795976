import type { WearableAdapter } from "../../hub/core/index.js";
import { nativeAdapter } from "./native.js";

export const adapters: Record<string, WearableAdapter> = { native: nativeAdapter };
export function getAdapter(format: string): WearableAdapter | undefined {
  return adapters[format];
}
