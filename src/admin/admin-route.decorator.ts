import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../common/http/api-problem-response';
import { AdminGuard } from './admin.guard';

/** A controller of `/v1/admin/*`: an admin's access token, and the two refusals it documents. */
export function AdminController(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(AdminGuard),
    ApiProblemResponse(401, { UNAUTHENTICATED: 'A valid access token is required.' }),
    ApiProblemResponse(403, {
      FORBIDDEN: 'This account is not named in ADMIN_USERNAMES.',
    }),
  );
}
