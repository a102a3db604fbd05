import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync, ValidateBy } from 'class-validator';
import { CreateProductBody } from '@plinth/contracts';
import { DatabaseServiceConfig } from '@plinth/service-bootstrap';

/** SEED_PRODUCTS parsed and validated like a request body; undefined when it is not a JSON array of valid products. */
export function parseSeedProducts(value: string): CreateProductBody[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const products = parsed.map((product: unknown) => plainToInstance(CreateProductBody, product));
  const valid = products.every((product) => typeof product === 'object' && validateSync(product, { whitelist: true, forbidNonWhitelisted: true }).length === 0);
  return valid ? products : undefined;
}

/** Catalog's environment: the shared service settings with this service's port and database as defaults. */
export class CatalogConfig extends DatabaseServiceConfig {
  override PORT = 3005;
  override DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plinth_catalog';

  /**
   * Products to create at start when their sku does not exist yet (existing ones are left as they are): a JSON
   * array of `POST /v1/products` bodies. For `npm start`'s demo products, the bench and the test systems.
   */
  @IsOptional()
  @ValidateBy({
    name: 'isSeedProducts',
    validator: { validate: (value) => typeof value === 'string' && parseSeedProducts(value) !== undefined, defaultMessage: () => 'SEED_PRODUCTS must be a JSON array of product bodies ({sku, name, description?, currency, unitPrice, stock})' },
  })
  SEED_PRODUCTS?: string;
}
