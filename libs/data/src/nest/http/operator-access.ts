import { createHash, timingSafeEqual } from 'node:crypto';
import {
  applyDecorators,
  ForbiddenException,
  Inject,
  Injectable,
  Module,
  Optional,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
} from '@nestjs/common';

/** Injection token of the operator credential (`NEO_OPERATOR_TOKEN`); absent: operator actions are off. */
export const OPERATOR_TOKEN = Symbol('OPERATOR_TOKEN');

/** The environment variable the operator credential is read from. */
export const OPERATOR_TOKEN_VARIABLE = 'NEO_OPERATOR_TOKEN';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
}

interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

/**
 * Lets a request through to an operator action (DDL, maintenance) only when it carries the
 * operator credential: `Authorization: Bearer <NEO_OPERATOR_TOKEN>`. The comparison takes the
 * same time whatever the token (both sides hashed, then `timingSafeEqual`), and the token is
 * never logged or echoed. Without a configured token the actions are off (403): run them with
 * `neo-db` instead.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Optional() @Inject(OPERATOR_TOKEN) token?: string) {
    this.expected = token ? digest(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        code: 'OPERATOR_ACTIONS_DISABLED',
        message: `operator actions are off on this instance: start it with ${OPERATOR_TOKEN_VARIABLE} set, or run the action with neo-db`,
      });
    }
    const http = context.switchToHttp();
    const presented = bearerToken(http.getRequest<RequestLike>().headers['authorization']);
    if (presented !== undefined && timingSafeEqual(digest(presented), this.expected)) return true;
    http.getResponse<ResponseLike>().setHeader('WWW-Authenticate', 'Bearer realm="neo operator"');
    throw new UnauthorizedException({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'OPERATOR_CREDENTIAL_REQUIRED',
      message: `this is an operator action: send the header "Authorization: Bearer <token>" with the ${OPERATOR_TOKEN_VARIABLE} this service was started with`,
    });
  }
}

/** Marks a route as an operator action (see `OperatorGuard`). */
export function OperatorOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(OperatorGuard));
}

/** Provides the operator credential to `OperatorGuard` everywhere in the app. */
@Module({})
export class OperatorAccessModule {
  static forRoot(token: string | undefined): DynamicModule {
    return {
      module: OperatorAccessModule,
      global: true,
      providers: [{ provide: OPERATOR_TOKEN, useValue: token }, OperatorGuard],
      exports: [OPERATOR_TOKEN, OperatorGuard],
    };
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/** Equal-length digests, so neither the comparison's time nor its refusal tells anything about the length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
