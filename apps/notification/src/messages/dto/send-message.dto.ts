import { IsNotEmpty, IsObject, IsString, IsUrl, MaxLength, ValidateBy } from 'class-validator';

/** Most bytes a message's `payload` may take, written as JSON. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

function IsSmallJson(): PropertyDecorator {
  return ValidateBy({
    name: 'isSmallJson',
    validator: {
      validate: (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= MAX_PAYLOAD_BYTES,
      defaultMessage: () => `$property must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON`,
    },
  });
}

/** Body of `POST /messages`. */
export class SendMessageDto {
  /** The webhook the payload is POSTed to. */
  @IsString()
  @MaxLength(2000)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'recipient must be an http or https URL, such as "https://example.com/hooks/neo"' },
  )
  recipient!: string;

  /** What the message is about, e.g. "transfer.completed"; sent as the X-Neo-Topic header. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  topic!: string;

  /** The JSON object the recipient receives. */
  @IsObject()
  @IsSmallJson()
  payload!: Record<string, unknown>;
}
