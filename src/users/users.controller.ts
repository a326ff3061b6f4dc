import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../common/http/api-problem-response';
import { UnauthenticatedError } from '../common/errors/domain-error';
import { AuthenticatedUser, CurrentUser } from '../common/auth/current-user.decorator';
import { toUserResponse, UserResponse } from './user.response';
import { UsersService } from './users.service';

const UNAUTHENTICATED = ApiProblemResponse(401, {
  UNAUTHENTICATED: 'A valid access token is required.',
});

@ApiTags('users')
@ApiBearerAuth()
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The authenticated account' })
  @ApiResponse({ status: 200, description: 'The account.', type: UserResponse })
  @UNAUTHENTICATED
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserResponse> {
    const user = await this.users.findById(caller.id);
    // A valid token for an account that no longer exists authenticates nobody.
    if (!user) throw new UnauthenticatedError();
    return toUserResponse(user);
  }

  @Delete('me/phone')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlink the verified phone number; it becomes free for other accounts' })
  @ApiResponse({ status: 204, description: 'Unlinked (also when no number was linked).' })
  @UNAUTHENTICATED
  async unlinkPhone(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.users.unlinkPhone(caller.id);
  }
}
