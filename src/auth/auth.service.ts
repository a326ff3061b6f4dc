import { Injectable } from '@nestjs/common';
import { clientNetwork } from '../common/http/ip-keys';
import { toUserResponse } from '../users/user.response';
import { UsersService } from '../users/users.service';
import { AccessTokens } from './access-tokens';
import { InvalidCredentialsError } from './auth.errors';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { RegisterResponse, TokenPairResponse } from './dto/token-responses';
import { LoginThrottle } from './login-throttle/login-throttle.service';
import { PasswordHasher } from './passwords';
import { RefreshTokensService } from './refresh-tokens/refresh-tokens.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokensService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** @throws UsernameTakenError */
  async register(input: RegisterDto, clientIp: string): Promise<RegisterResponse> {
    const user = await this.users.create({
      username: input.username,
      passwordHash: await this.passwords.hash(input.password),
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      registrationNetwork: clientNetwork(clientIp),
    });
    const refreshToken = await this.refreshTokens.issue(user.id);
    return { user: toUserResponse(user), ...(await this.tokenPair(user.id, refreshToken)) };
  }

  /**
   * Unknown user and wrong password cost one argon2 verification each and fail alike.
   * @throws TooManyLoginAttemptsError, InvalidCredentialsError
   */
  async login(input: LoginDto, clientIp: string): Promise<TokenPairResponse> {
    await this.throttle.admit(input.username, clientIp);
    const user = await this.users.findByUsername(input.username);
    const valid = user
      ? await this.passwords.verify(user.passwordHash, input.password)
      : await this.passwords.verifyDummy(input.password);
    if (!user || !valid) throw new InvalidCredentialsError();
    await this.throttle.succeeded(input.username, clientIp);
    return this.tokenPair(user.id, await this.refreshTokens.issue(user.id));
  }

  /** @throws InvalidRefreshTokenError */
  async refresh(refreshToken: string): Promise<TokenPairResponse> {
    const rotated = await this.refreshTokens.rotate(refreshToken);
    return this.tokenPair(rotated.userId, rotated.refreshToken);
  }

  /** Ends the refresh token's session; the token alone is the authority. @throws InvalidRefreshTokenError */
  logout(refreshToken: string): Promise<void> {
    return this.refreshTokens.revokeSession(refreshToken);
  }

  private async tokenPair(userId: string, refreshToken: string): Promise<TokenPairResponse> {
    return {
      accessToken: await this.accessTokens.sign(userId),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.lifetimeSeconds,
    };
  }
}
