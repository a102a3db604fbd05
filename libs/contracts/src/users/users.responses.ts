import { ApiProperty } from '@nestjs/swagger';

export class UserProfile {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName: string;
  @ApiProperty({ description: 'The owner proved the address (POST /v1/auth/email/verify)' }) emailVerified: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
