import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { PageQuery, type Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { CreateKeyDto } from './dto/create-key.dto.js';
import { DecryptDto } from './dto/decrypt.dto.js';
import { EncryptDto } from './dto/encrypt.dto.js';
import type { CiphertextResponse, KeyResponse, PlaintextResponse } from './dto/key.response.js';
import { KeyCryptoService } from './key-crypto.service.js';
import { KeysService } from './keys.service.js';

@Controller('keys')
export class KeysController {
  constructor(
    private readonly keys: KeysService,
    private readonly crypto: KeyCryptoService,
  ) {}

  @Post()
  create(@Body() body: CreateKeyDto): Promise<KeyResponse> {
    return this.keys.create(body.name);
  }

  @Get()
  list(@Query() query: PageQuery): Promise<Page<KeyResponse>> {
    return this.keys.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<KeyResponse> {
    return this.keys.get(id);
  }

  /** A new version becomes current; ciphertexts of older versions keep decrypting. */
  @Post(':id/rotate')
  rotate(@Param('id', UuidParamPipe) id: string): Promise<KeyResponse> {
    return this.keys.rotate(id);
  }

  @Post(':id/encrypt')
  @HttpCode(HttpStatus.OK)
  encrypt(@Param('id', UuidParamPipe) id: string, @Body() body: EncryptDto): Promise<CiphertextResponse> {
    return this.crypto.encrypt(id, Buffer.from(body.plaintext, 'base64'));
  }

  @Post(':id/decrypt')
  @HttpCode(HttpStatus.OK)
  decrypt(@Param('id', UuidParamPipe) id: string, @Body() body: DecryptDto): Promise<PlaintextResponse> {
    return this.crypto.decrypt(id, body.ciphertext);
  }
}
