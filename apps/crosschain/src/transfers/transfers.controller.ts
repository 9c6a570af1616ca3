import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import type { Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import type { Response } from 'express';
import { ListTransfersQuery } from './dto/list-transfers.query.js';
import { MoveTransferDto } from './dto/move-transfer.dto.js';
import { RequestTransferDto } from './dto/request-transfer.dto.js';
import type { TransferResponse } from './dto/transfer.response.js';
import { TransfersService } from './transfers.service.js';

@Controller('transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  /** 201 with a new transfer; 200 with the earlier one when the idempotency key was used with the same details; 409 when with others. */
  @Post()
  async request(@Body() body: RequestTransferDto, @Res({ passthrough: true }) response: Response): Promise<TransferResponse> {
    const { transfer, created } = await this.transfers.request(body);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return transfer;
  }

  @Get()
  list(@Query() query: ListTransfersQuery): Promise<Page<TransferResponse>> {
    return this.transfers.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<TransferResponse> {
    return this.transfers.get(id);
  }

  /** 200 with the moved transfer; 409 when its state does not allow the move. */
  @Post(':id/transitions')
  @HttpCode(HttpStatus.OK)
  move(@Param('id', UuidParamPipe) id: string, @Body() body: MoveTransferDto): Promise<TransferResponse> {
    return this.transfers.move(id, body.to, body.reason);
  }
}
