import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../common/http/api-problem-response';
import { RequireVerifiedPhone } from '../users/require-verified-phone.guard';

/** An example of a route behind the sign-up wall: any module can put RequireVerifiedPhone on its own. */
@ApiTags('members')
@ApiBearerAuth()
@Controller({ path: 'members', version: '1' })
export class MembersController {
  @Get('welcome')
  @UseGuards(RequireVerifiedPhone)
  @ApiOperation({ summary: 'A page only users with a verified phone may see' })
  @ApiOkResponse({
    description: 'You are through the sign-up wall.',
    schema: {
      type: 'object',
      required: ['message'],
      properties: {
        message: { type: 'string', example: 'Welcome! Your phone number is verified.' },
      },
    },
  })
  @ApiProblemResponse(401, { UNAUTHENTICATED: 'A valid access token is required.' })
  @ApiProblemResponse(403, { PHONE_NOT_VERIFIED: 'Verify your phone number to continue.' })
  welcome(): { message: string } {
    return { message: 'Welcome! Your phone number is verified.' };
  }
}
