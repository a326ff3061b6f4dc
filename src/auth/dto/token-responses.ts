import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/user.response';

export class TokenPairResponse {
  @ApiProperty({
    description: 'JWT (HS256); send it as `Authorization: Bearer <accessToken>`.',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjZmOWMxZSJ9.c2lnbmF0dXJl',
  })
  accessToken!: string;

  @ApiProperty({
    description: 'Opaque and single-use: exchange it at /v1/auth/refresh for a new pair.',
    example: 'o1Yf3u9n6C0w7Jr2xQmZ8tVb5LkHs4Pd1Ge9Ia6Wc3E',
  })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({
    type: 'integer',
    description: "The access token's lifetime in seconds.",
    example: 900,
  })
  expiresIn!: number;
}

export class RegisterResponse extends TokenPairResponse {
  @ApiProperty({ type: UserResponse })
  user!: UserResponse;
}
