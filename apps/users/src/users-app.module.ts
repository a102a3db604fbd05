import { Module } from '@nestjs/common';
import { ProfilesModule } from './profiles/profiles.module.js';

/** The users service's features; bootstrapService adds persistence, messaging, health and logging around it. */
@Module({ imports: [ProfilesModule] })
export class UsersAppModule {}
