/**
 * Whether a model field may hold NULL. Prisma's runtime data model does not say, and a
 * null filter on a required field is refused by Prisma's argument validation (in the
 * client, before any SQL), so the first question per field is answered by one probe
 * and remembered.
 */
export class FieldNullability {
  private readonly known = new Map<string, boolean>();

  async isNullable(model: string, field: string, probe: (args: Record<string, unknown>) => Promise<unknown>): Promise<boolean> {
    const key = `${model}.${field}`;
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    let nullable = true;
    try {
      await probe({ where: { [field]: null }, select: { [field]: true } });
    } catch (error) {
      // Compared by name: each generated client may bring its own copy of the runtime's classes.
      if (!(error instanceof Error && error.name === 'PrismaClientValidationError')) throw error;
      nullable = false;
    }
    this.known.set(key, nullable);
    return nullable;
  }
}
