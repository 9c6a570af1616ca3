import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CheckTokenDto } from './dto/check-token.dto.js';
import type { AuditEntryResponse, CheckResponse, CredentialResponse } from './dto/credential.response.js';
import { IssueCredentialDto } from './dto/issue-credential.dto.js';
import { CredentialsService } from './credentials.service.js';

@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  /** 201 with the token, shown this once. */
  @Post()
  issue(@Body() body: IssueCredentialDto): Promise<CredentialResponse & { token: string }> {
    return this.credentials.issue(body);
  }

  /** 200 `{ valid: true, … }` or `{ valid: false, reason }`. */
  @Post('check')
  @HttpCode(HttpStatus.OK)
  check(@Body() body: CheckTokenDto): Promise<CheckResponse> {
    return this.credentials.check(body.token);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<CredentialResponse> {
    return this.credentials.get(id);
  }

  @Post(':id/revoke')
  @HttpCode(HttpStatus.OK)
  revoke(@Param('id', UuidParamPipe) id: string): Promise<CredentialResponse> {
    return this.credentials.revoke(id);
  }

  @Get(':id/audit')
  audit(@Param('id', UuidParamPipe) id: string, @Query() query: PageQuery): Promise<Page<AuditEntryResponse>> {
    return this.credentials.auditTrail(id, query);
  }
}
