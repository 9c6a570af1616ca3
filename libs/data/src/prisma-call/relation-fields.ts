/**
 * The relation fields of each model, read from the generated client's runtime data model
 * (`client._runtimeDataModel`): `Transaction.events` → `TransactionEvent`. Nested writes
 * are found by these names.
 */
export class RelationFields {
  private readonly targets = new Map<string, Map<string, string>>();

  constructor(dataModel: RuntimeDataModelLike | undefined) {
    for (const [model, { fields }] of Object.entries(dataModel?.models ?? {})) {
      const relations = new Map<string, string>();
      for (const field of fields) if (field.kind === 'object') relations.set(field.name, field.type);
      this.targets.set(model, relations);
    }
  }

  /** Reads the data model of a Prisma client (a routed client passes it through from its primary). */
  static of(client: object): RelationFields {
    return new RelationFields(Reflect.get(client, '_runtimeDataModel') as RuntimeDataModelLike | undefined);
  }

  /** Whether the data model was found at all (without it no nested write can be recognised). */
  get known(): boolean {
    return this.targets.size > 0;
  }

  /** Whether the data model declares `model` (false for any model when the data model is unknown). */
  hasModel(model: string): boolean {
    return this.targets.has(model);
  }

  /** Every relation field of a model, with the model it points to. */
  relationsOf(model: string): ReadonlyMap<string, string> {
    return this.targets.get(model) ?? new Map();
  }

  /** The model a relation field points to, or undefined for a scalar field. */
  targetOf(model: string, field: string): string | undefined {
    return this.targets.get(model)?.get(field);
  }
}

/** The part of Prisma's runtime data model read here. */
export interface RuntimeDataModelLike {
  models: Record<string, { fields: ReadonlyArray<{ name: string; kind: string; type: string }> }>;
}
