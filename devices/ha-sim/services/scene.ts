import { z } from "zod";
import { parseOrInvalid } from "../client-messages.js";
import { HaError, serviceValidationError } from "../ha-error.js";
import type { SimHome } from "../sim-home.js";
import { isoTime } from "../time.js";
import type { HaContext, SceneMemberTarget } from "../types.js";
import { reproduceState } from "./reproduce-state.js";
import type { ServiceDefinition } from "./service-types.js";

const memberTargetSchema = z.union([z.string(), z.looseObject({ state: z.string() })]);
const entitiesSchema = z.record(z.string(), memberTargetSchema);
const transitionSchema = z.coerce.number().min(0).max(6553).optional();

const createSchema = z.looseObject({
  scene_id: z.string().regex(/^[a-z0-9_]+$/, "invalid slug"),
  entities: entitiesSchema.optional(),
  snapshot_entities: z.array(z.string()).optional(),
});

const applySchema = z.looseObject({ entities: entitiesSchema, transition: transitionSchema });
const turnOnSchema = z.looseObject({ transition: transitionSchema });

export function applyScene(
  home: SimHome,
  members: Record<string, SceneMemberTarget>,
  context: HaContext,
  transition: number | undefined,
): void {
  for (const [entityId, target] of Object.entries(members)) {
    reproduceState(home, entityId, target, context, transition);
  }
}

function createScene(home: SimHome, data: Record<string, unknown>, context: HaContext): void {
  if (data.entities === undefined && data.snapshot_entities === undefined) {
    throw new HaError("invalid_format", "must contain at least one of entities, snapshot_entities.");
  }
  const params = parseOrInvalid(createSchema, data);
  const explicit = params.entities ?? {};
  const snapshot = params.snapshot_entities ?? [];
  if (snapshot.some((id) => Object.hasOwn(explicit, id))) {
    throw new HaError("invalid_format", "entities and snapshot_entities must not overlap");
  }
  const sceneEntityId = `scene.${params.scene_id}`;
  const existing = home.scenes.get(sceneEntityId);
  // A YAML/UI scene of that id wins: HA only logs "already exists" and leaves it alone.
  if (home.states.has(sceneEntityId) && !existing?.created) return;
  const members: Record<string, SceneMemberTarget> = { ...explicit };
  for (const entityId of snapshot) {
    const state = home.states.get(entityId);
    if (state) members[entityId] = { ...structuredClone(state.attributes), state: state.state };
  }
  if (Object.keys(members).length === 0) return;
  home.scenes.define(sceneEntityId, { members, created: true });
  home.states.set(
    sceneEntityId,
    home.states.get(sceneEntityId)?.state ?? "unknown",
    { entity_id: Object.keys(members), friendly_name: params.scene_id },
    context,
  );
}

export function sceneServices(): ServiceDefinition[] {
  return [
    {
      domain: "scene",
      service: "turn_on",
      name: "Activate",
      description: "Activates a scene.",
      fields: { transition: { selector: { number: { min: 0, max: 300, unit_of_measurement: "seconds" } } } },
      entityDomain: "scene",
      handler: (call, home) => {
        const params = parseOrInvalid(turnOnSchema, call.data);
        for (const sceneId of call.entityIds) {
          const scene = home.scenes.get(sceneId);
          const sceneState = home.states.get(sceneId);
          if (!scene || !sceneState) continue;
          applyScene(home, scene.members, call.context, params.transition);
          // A scene's state is the time it was last activated.
          home.states.set(sceneId, isoTime(home.now()), sceneState.attributes, call.context);
          call.applied[sceneId] = params.transition !== undefined ? { transition: params.transition } : {};
        }
      },
    },
    {
      domain: "scene",
      service: "apply",
      name: "Apply",
      description: "Activates a scene with configuration.",
      fields: { entities: { required: true, selector: { object: {} } }, transition: {} },
      handler: (call, home) => {
        const params = parseOrInvalid(applySchema, call.data);
        applyScene(
          home,
          params.entities as Record<string, SceneMemberTarget>,
          call.context,
          params.transition,
        );
      },
    },
    {
      domain: "scene",
      service: "create",
      name: "Create",
      description: "Creates a new scene.",
      fields: {
        scene_id: { required: true, selector: { text: {} } },
        entities: { selector: { object: {} } },
        snapshot_entities: { selector: { entity: { multiple: true } } },
      },
      handler: (call, home) => createScene(home, call.data, call.context),
    },
    {
      domain: "scene",
      service: "delete",
      name: "Delete",
      description: "Deletes a dynamically created scene.",
      fields: {},
      entityDomain: "scene",
      handler: (call, home) => {
        for (const sceneId of call.entityIds) {
          if (!home.scenes.get(sceneId)?.created) {
            throw serviceValidationError(`The scene ${sceneId} is not created with action \`scene.create\``, {
              translation_key: "delete_unsupported",
              translation_domain: "homeassistant",
              translation_placeholders: { entity_id: sceneId },
            });
          }
        }
        for (const sceneId of call.entityIds) {
          home.scenes.delete(sceneId);
          home.removeEntity(sceneId, call.context);
        }
      },
    },
    {
      domain: "scene",
      service: "reload",
      name: "Reload",
      description: "Reloads the scenes from the YAML-configuration.",
      fields: {},
      handler: (call, home) => home.forgetCreatedScenes(call.context),
    },
  ];
}
