import type { ServiceDefinition } from "./service-types.js";

/** The set of registered services, and the `get_services` view of it. */
export class ServiceRegistry {
  private readonly services = new Map<string, ServiceDefinition>();

  register(definition: ServiceDefinition): void {
    this.services.set(`${definition.domain}.${definition.service}`, definition);
  }

  get(domain: string, service: string): ServiceDefinition | undefined {
    return this.services.get(`${domain}.${service}`);
  }

  has(domain: string, service: string): boolean {
    return this.services.has(`${domain}.${service}`);
  }

  describe(): Record<string, Record<string, unknown>> {
    const result: Record<string, Record<string, unknown>> = {};
    for (const definition of this.services.values()) {
      const domain = result[definition.domain] ?? {};
      const entry: Record<string, unknown> = {
        name: definition.name,
        description: definition.description,
        fields: definition.fields,
      };
      if (definition.entityDomain) entry.target = { entity: [{ domain: [definition.entityDomain] }] };
      if (definition.response) entry.response = { optional: definition.response === "optional" };
      domain[definition.service] = entry;
      result[definition.domain] = domain;
    }
    return result;
  }

  domains(): string[] {
    return [...new Set([...this.services.values()].map((definition) => definition.domain))];
  }
}
