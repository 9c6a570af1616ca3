import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { Uuidv7Generator, uuidv7Time } from '@neo/data';
import type { Contract } from '../generated/prisma/client.js';
import { prismaErrorCode } from '../http/prisma-error-code.js';
import type { SmartContractsDb } from '../smart-contracts-db.js';
import { ContractAlreadyExistsError, ContractNotFoundError } from './contract.errors.js';

export interface NewContract {
  name: string;
  scriptHash: string;
}

/**
 * Contracts are reference data of the sharded layout: the sharded client writes each one to
 * every shard (so a transaction's foreign key finds its contract on its own shard) and reads
 * it from one.
 */
@Injectable()
export class ContractsService {
  constructor(
    @InjectDataClient() private readonly db: SmartContractsDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  async register(input: NewContract): Promise<Contract> {
    // Checked first so a duplicate is refused before any shard is written
    // (the copies are written one shard after another, not in one transaction).
    const existing = await this.db.contract.findFirst({
      where: { OR: [{ name: input.name }, { scriptHash: input.scriptHash }] },
      select: { id: true },
    });
    if (existing) throw new ContractAlreadyExistsError(input.name, input.scriptHash);
    const id = this.ids.next();
    try {
      return await this.db.contract.create({ data: { id, name: input.name, scriptHash: input.scriptHash, createdAt: uuidv7Time(id) } });
    } catch (error) {
      if (prismaErrorCode(error) === 'P2002') throw new ContractAlreadyExistsError(input.name, input.scriptHash, { cause: error });
      throw error;
    }
  }

  async get(id: string): Promise<Contract> {
    const row = await this.db.contract.findUnique({ where: { id } });
    if (!row) throw new ContractNotFoundError(id);
    return row;
  }

  /** Refuses with `ContractNotFoundError` naming the first id that is not registered. */
  async assertRegistered(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)];
    const found = await this.db.contract.findMany({ where: { id: { in: wanted } }, select: { id: true } });
    const known = new Set(found.map((row) => row.id));
    const missing = wanted.find((id) => !known.has(id));
    if (missing) throw new ContractNotFoundError(missing);
  }
}
