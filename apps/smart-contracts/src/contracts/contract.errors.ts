import { DataError } from '@neo/data';

/** No contract has this id. */
export class ContractNotFoundError extends DataError {
  constructor(
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super('SMARTCONTRACTS_CONTRACT_NOT_FOUND', `no contract with id ${id}; register it first with POST /contracts`, options);
  }
}

/** Contract names and script hashes are unique. */
export class ContractAlreadyExistsError extends DataError {
  constructor(name: string, scriptHash: string, options?: { cause?: unknown }) {
    super(
      'SMARTCONTRACTS_CONTRACT_EXISTS',
      `a contract named ${JSON.stringify(name)} or with script hash ${scriptHash} is already registered; choose another name, or use the registered contract`,
      options,
    );
  }
}
