import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import type { AuditEntryResponse } from '../credentials/dto/credential.response.js';
import { PutSecretDto } from './dto/put-secret.dto.js';
import type { SecretDeletedResponse, SecretValueResponse, SecretVersionResponse, SecretVersionsResponse } from './dto/secret.response.js';
import { secretName } from './secret-name.js';
import { SecretsService } from './secrets.service.js';

@Controller('secrets')
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  /** 200 with the version written (never the value). */
  @Put(':name')
  put(@Param('name') name: string, @Body() body: PutSecretDto): Promise<SecretVersionResponse> {
    return this.secrets.put(secretName(name), body.value);
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<SecretValueResponse> {
    return this.secrets.get(secretName(name));
  }

  @Get(':name/versions')
  versions(@Param('name') name: string): Promise<SecretVersionsResponse> {
    return this.secrets.versions(secretName(name));
  }

  @Get(':name/audit')
  audit(@Param('name') name: string, @Query() query: PageQuery): Promise<Page<AuditEntryResponse>> {
    return this.secrets.auditTrail(secretName(name), query);
  }

  @Delete(':name')
  delete(@Param('name') name: string): Promise<SecretDeletedResponse> {
    return this.secrets.delete(secretName(name));
  }
}
