import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import {
  ApiProblemResponse,
  VALIDATION_FAILED_DETAIL,
} from '../../common/http/api-problem-response';
import { AllowlistEntryNotFoundError, BlockNotFoundError } from '../../fraud/fraud.errors';
import { FraudService } from '../../fraud/fraud.service';
import { AdminCaller, CurrentAdmin } from '../admin.guard';
import { AdminController } from '../admin-route.decorator';
import { UuidParamPipe } from '../uuid-param.pipe';
import { CreateAllowlistEntryDto, CreateBlockDto, DEFAULT_BLOCK_SECONDS } from './lists.dto';
import { AllowlistEntryView, BlockView, toAllowlistEntryView, toBlockView } from './lists.response';
import { phoneTargetOf } from './phone-target.parser';

const ID = ApiParam({
  name: 'id',
  format: 'uuid',
  example: '5d0c6f0e-8a44-4f6b-b1f5-0e2b7f3f6a10',
});
const BAD_TARGET = ApiProblemResponse(
  400,
  { VALIDATION_FAILED: VALIDATION_FAILED_DETAIL },
  {
    errors: [{ field: 'prefix', message: 'must be the first 6 digits of a Nepali mobile number' }],
  },
);

/** Blocks: sends to a blocked number or prefix are refused (403 PHONE_BLOCKED) until they end. */
@AdminController('admin')
@Controller({ path: 'admin/blocks', version: '1' })
export class BlocksController {
  constructor(private readonly fraud: FraudService) {}

  @Get()
  @ApiOperation({
    summary: 'Blocks in force',
    description: 'Operators’ and the fraud guard’s (`source: "auto"`), the one ending last first.',
  })
  @ApiOkResponse({ type: [BlockView], description: 'At most 1000, the one ending last first.' })
  async list(): Promise<BlockView[]> {
    return (await this.fraud.listBlocks()).map(toBlockView);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Block a number or a prefix',
    description:
      'Sends to it are refused from now for `seconds` (default 24 h). It applies to allowlisted numbers too: ' +
      'the allowlist exempts from the fraud guard, not from an operator.',
  })
  @ApiCreatedResponse({ type: BlockView, description: 'The block, in force from now.' })
  @BAD_TARGET
  async create(
    @Body() body: CreateBlockDto,
    @CurrentAdmin() admin: AdminCaller,
  ): Promise<BlockView> {
    const block = await this.fraud.addBlock({
      target: phoneTargetOf(body),
      seconds: body.seconds ?? DEFAULT_BLOCK_SECONDS,
      reason: body.reason.trim(),
      createdBy: admin.username,
    });
    return toBlockView(block);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Lift a block now',
    description: 'Sends are accepted again. Lifting one that already ended changes nothing.',
  })
  @ID
  @ApiNoContentResponse({ description: 'Lifted (or already over).' })
  @ApiProblemResponse(404, { BLOCK_NOT_FOUND: 'There is no block with this id.' })
  async lift(
    @Param('id', new UuidParamPipe(() => new BlockNotFoundError())) id: string,
    @CurrentAdmin() admin: AdminCaller,
  ): Promise<void> {
    await this.fraud.liftBlock(id, admin.username);
  }
}

/** The allowlist: numbers and prefixes the fraud guard leaves alone (not the send limits). */
@AdminController('admin')
@Controller({ path: 'admin/allowlist', version: '1' })
export class AllowlistController {
  constructor(private readonly fraud: FraudService) {}

  @Get()
  @ApiOperation({ summary: 'The allowlist, newest first' })
  @ApiOkResponse({ type: [AllowlistEntryView], description: 'At most 1000, newest first.' })
  async list(): Promise<AllowlistEntryView[]> {
    return (await this.fraud.listAllowlist()).map(toAllowlistEntryView);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Allowlist a number or a prefix',
    description: 'The fraud guard’s signals and automatic blocks no longer apply to it.',
  })
  @ApiCreatedResponse({ type: AllowlistEntryView, description: 'The new entry.' })
  @BAD_TARGET
  @ApiProblemResponse(409, {
    ALREADY_ALLOWLISTED: 'This number or prefix is already on the allowlist.',
  })
  async create(
    @Body() body: CreateAllowlistEntryDto,
    @CurrentAdmin() admin: AdminCaller,
  ): Promise<AllowlistEntryView> {
    const entry = await this.fraud.addToAllowlist({
      target: phoneTargetOf(body),
      note: body.note.trim(),
      createdBy: admin.username,
    });
    return toAllowlistEntryView(entry);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an allowlist entry' })
  @ID
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblemResponse(404, {
    ALLOWLIST_ENTRY_NOT_FOUND: 'There is no allowlist entry with this id.',
  })
  async remove(
    @Param('id', new UuidParamPipe(() => new AllowlistEntryNotFoundError())) id: string,
  ): Promise<void> {
    await this.fraud.removeFromAllowlist(id);
  }
}
