import type { SceneMemberTarget } from "../types.js";

export interface SceneDefinition {
  members: Record<string, SceneMemberTarget>;
  /** Made by `scene.create`: in memory only, deletable, gone after a restart. */
  created: boolean;
}

export class SceneStore {
  private readonly scenes = new Map<string, SceneDefinition>();

  define(sceneEntityId: string, definition: SceneDefinition): void {
    this.scenes.set(sceneEntityId, definition);
  }

  get(sceneEntityId: string): SceneDefinition | undefined {
    return this.scenes.get(sceneEntityId);
  }

  delete(sceneEntityId: string): void {
    this.scenes.delete(sceneEntityId);
  }

  createdIds(): string[] {
    return [...this.scenes].filter(([, definition]) => definition.created).map(([id]) => id);
  }
}
