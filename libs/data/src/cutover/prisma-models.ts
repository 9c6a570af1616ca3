/**
 * Table and column names of a service's Prisma models, read from its schema.prisma: the
 * topology names models and shard keys the way service code does (`StorageObject`,
 * `createdDate`), while replication works on tables and columns (`storage_objects`,
 * `created_date`).
 *
 * Hand-written because the installed Prisma packages offer no schema parser without the
 * native engines (which cannot be downloaded here); it reads only `model` blocks, `@map`
 * and `@@map`, which is all the cutover needs.
 */
export interface PrismaModel {
  name: string;
  table: string;
  /** Scalar fields (those stored in a column): field name → column name. */
  columns: Record<string, string>;
}

export function parsePrismaModels(schemaText: string): PrismaModel[] {
  const text = schemaText.replace(/\/\/.*$/gm, '');
  const blocks = [...text.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)];
  const modelNames = new Set(blocks.map((block) => block[1]!));
  return blocks.map(([, name, body]) => {
    let table = name!;
    const columns: Record<string, string> = {};
    for (const rawLine of body!.split('\n')) {
      const line = rawLine.trim();
      if (!line) continue;
      const tableMap = /^@@map\(\s*"([^"]+)"\s*\)/.exec(line);
      if (tableMap) {
        table = tableMap[1]!;
        continue;
      }
      if (line.startsWith('@@')) continue;
      const field = /^(\w+)\s+(\w+)(\[\])?\??/.exec(line);
      if (!field) continue;
      const [, fieldName, type, list] = field;
      // Relation fields have no column of their own; neither do lists of models.
      if (modelNames.has(type!) || (list && modelNames.has(type!))) continue;
      const mapped = /@map\(\s*"([^"]+)"\s*\)/.exec(line);
      columns[fieldName!] = mapped ? mapped[1]! : fieldName!;
    }
    return { name: name!, table, columns };
  });
}
