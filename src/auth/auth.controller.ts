import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ClientIp } from '../common/http/client-ip';
import {
  ApiProblemResponse,
  ApiValidationFailedResponse,
} from '../common/http/api-problem-response';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RefreshTokenDto } from './dto/refresh-token.dto';
import { RegisterDto } from './dto/register.dto';
import { RegisterResponse, TokenPairResponse } from './dto/token-responses';
import { Public } from '../common/auth/public.decorator';
import { AUTH_RATE_LIMIT_PROBLEM, AuthRateLimit } from '../rate-limit/auth-rate-limit.guard';

const INVALID_REFRESH_TOKEN_DETAIL =
  'The refresh token is unknown, expired, revoked or already used (presenting a used one revokes its session).';

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @AuthRateLimit()
  @Post('register')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account and log it in' })
  @ApiResponse({
    status: 201,
    description: 'The account and its first token pair.',
    type: RegisterResponse,
  })
  @ApiValidationFailedResponse('username', 'username may contain only A-Z a-z 0-9 _ . -')
  @ApiProblemResponse(409, { USERNAME_TAKEN: 'The username exists in some letter case.' })
  @ApiProblemResponse(429, AUTH_RATE_LIMIT_PROBLEM, { retryAfterSeconds: 42 })
  register(@Body() body: RegisterDto, @ClientIp() clientIp: string): Promise<RegisterResponse> {
    return this.auth.register(body, clientIp);
  }

  @Public()
  @AuthRateLimit()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange username and password for a token pair' })
  @ApiResponse({ status: 200, description: 'A new token pair.', type: TokenPairResponse })
  @ApiValidationFailedResponse('password', 'password must be a string')
  @ApiProblemResponse(401, {
    INVALID_CREDENTIALS: 'Unknown username or wrong password: one answer for both.',
  })
  @ApiProblemResponse(
    429,
    {
      TOO_MANY_LOGIN_ATTEMPTS:
        'Too many failed logins for this username from this address; retry after Retry-After seconds.',
      ...AUTH_RATE_LIMIT_PROBLEM,
    },
    { retryAfterSeconds: 840 },
  )
  login(@Body() body: LoginDto, @ClientIp() clientIp: string): Promise<TokenPairResponse> {
    return this.auth.login(body, clientIp);
  }

  @Public()
  @AuthRateLimit()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old one stops working' })
  @ApiResponse({ status: 200, description: 'A new token pair.', type: TokenPairResponse })
  @ApiValidationFailedResponse('refreshToken', 'refreshToken must be a string')
  @ApiProblemResponse(401, { INVALID_REFRESH_TOKEN: INVALID_REFRESH_TOKEN_DETAIL })
  @ApiProblemResponse(429, AUTH_RATE_LIMIT_PROBLEM, { retryAfterSeconds: 42 })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Public()
  @AuthRateLimit()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: "End the refresh token's session (every token rotated from its login)",
    description:
      'Needs no access token: a client whose access token has expired can still end its session. ' +
      "Only that session ends; the account's other sessions stay.",
  })
  @ApiResponse({ status: 204, description: 'The session is revoked.' })
  @ApiValidationFailedResponse('refreshToken', 'refreshToken must be a string')
  @ApiProblemResponse(401, { INVALID_REFRESH_TOKEN: INVALID_REFRESH_TOKEN_DETAIL })
  @ApiProblemResponse(429, AUTH_RATE_LIMIT_PROBLEM, { retryAfterSeconds: 42 })
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }
}
