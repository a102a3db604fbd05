import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ApplicationError,
  CatalogEvents,
  DEFAULT_PAGE_LIMIT,
  ErrorCodes,
  isAdmin,
  MAX_STOCK,
  ProductChangedEvent,
  type Actor,
  type AdjustStockRequest,
  type CreateProductBody,
  type CreateProductRequest,
  type GetProductRequest,
  type GetProductsRequest,
  type ListProductsRequest,
  type Page,
  type ProductView,
  type UpdateProductRequest,
} from '@plinth/contracts';
import { createEvent, Outbox, type OutboxMessage } from '@plinth/messaging';
import { toProductChangedData, toProductView, type ProductRow } from './product-row.js';
import { decodeSkuCursor, encodeSkuCursor } from './sku-cursor.js';

const SOURCE = 'catalog';

const INSERT = `insert into "products" ("sku", "name", "description", "currency", "unit_price", "stock", "reserved", "version", "created_at", "updated_at")
  values (?, ?, ?, ?, ?, ?, 0, 1, ?, ?) returning *`;
const INSERT_IF_NEW = INSERT.replace(' returning *', ' on conflict ("sku") do nothing returning *');
// coalesce: a field left out of the PATCH keeps its value. The version condition is optional (If-Match).
const UPDATE = `update "products" set "name" = coalesce(?, "name"), "description" = coalesce(?, "description"),
  "unit_price" = coalesce(?, "unit_price"), "version" = "version" + 1, "updated_at" = ?
  where "sku" = ? and (?::int is null or "version" = ?::int) returning *`;
// One conditional statement: the check and the change cannot be separated by a concurrent reservation.
const ADJUST_STOCK = `update "products" set "stock" = "stock" + ?, "version" = "version" + 1, "updated_at" = ?
  where "sku" = ? and "stock" + ? >= "reserved" and "stock" + ? <= ? returning *`;

const notFound = (sku: string) => new ApplicationError(ErrorCodes.CATALOG_NOT_FOUND, `Product ${sku} not found`);
const adminOnly = () => new ApplicationError(ErrorCodes.FORBIDDEN, 'Only admins change the catalog');

/**
 * Catalog use cases. Every change and its `catalog.product.*` event (the whole product, with its new version) are
 * written in one transaction, and handed to the relay after the commit.
 */
@Injectable()
export class ProductsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: Outbox,
  ) {}

  /** In sku order, keyset-paginated on the sku, so pages never skip or repeat products. */
  async list({ limit = DEFAULT_PAGE_LIMIT, cursor }: ListProductsRequest): Promise<Page<ProductView>> {
    const after = cursor === undefined ? undefined : decodeSkuCursor(cursor);
    const rows = await this.em
      .fork()
      .execute<ProductRow[]>(
        `select * from "products" ${after === undefined ? '' : 'where "sku" > ?'} order by "sku" limit ?`,
        after === undefined ? [limit + 1] : [after, limit + 1],
      );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toProductView), nextCursor: rows.length > limit && last ? encodeSkuCursor(last.sku) : null };
  }

  async get({ sku }: GetProductRequest): Promise<ProductView> {
    const [row] = await this.em.fork().execute<ProductRow[]>('select * from "products" where "sku" = ?', [sku]);
    if (!row) throw notFound(sku);
    return toProductView(row);
  }

  /** The known products among `skus`, in sku order; unknown ones are left out (the caller maps what it asked for). */
  async getMany({ skus }: GetProductsRequest): Promise<ProductView[]> {
    // One JSON parameter rather than one per sku: the statement text (and its prepared plan) is the same for any batch.
    const rows = await this.em
      .fork()
      .execute<ProductRow[]>('select * from "products" where "sku" in (select jsonb_array_elements_text(?::jsonb)) order by "sku"', [JSON.stringify(skus)]);
    return rows.map(toProductView);
  }

  async create(request: CreateProductRequest): Promise<ProductView> {
    this.assertAdmin(request.actor);
    const now = new Date();
    const params = [request.sku, request.name, request.description ?? '', request.currency, request.unitPrice, request.stock, now, now];
    try {
      return await this.changeWithEvent(CatalogEvents.productCreated, INSERT, params);
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ApplicationError(ErrorCodes.CATALOG_SKU_TAKEN, `A product with sku ${request.sku} exists already`, { sku: request.sku });
      }
      throw error;
    }
  }

  /** Creates the products whose sku is new, each with its event; returns how many were created. */
  async createMissing(products: readonly CreateProductBody[]): Promise<number> {
    let created = 0;
    for (const product of products) {
      const now = new Date();
      const params = [product.sku, product.name, product.description ?? '', product.currency, product.unitPrice, product.stock, now, now];
      if (await this.changeWithEvent(CatalogEvents.productCreated, INSERT_IF_NEW, params, true)) created += 1;
    }
    return created;
  }

  async update(request: UpdateProductRequest): Promise<ProductView> {
    this.assertAdmin(request.actor);
    const { sku, expectedVersion } = request;
    const version = expectedVersion ?? null;
    const params = [request.name ?? null, request.description ?? null, request.unitPrice ?? null, new Date(), sku, version, version];
    const updated = await this.changeWithEvent(CatalogEvents.productUpdated, UPDATE, params, true);
    if (updated) return updated;
    // Nothing matched: a missing product is NOT_FOUND (get throws it), an existing one had another version.
    const current = await this.get({ sku });
    throw new ApplicationError(ErrorCodes.CATALOG_VERSION_CONFLICT, `Product ${sku} was modified since version ${String(expectedVersion)}; reload and retry`, {
      expectedVersion,
      currentVersion: current.version,
    });
  }

  /** Restock (positive) or write off (negative); never below the reserved units, never above MAX_STOCK. */
  async adjustStock({ actor, sku, delta }: AdjustStockRequest): Promise<ProductView> {
    this.assertAdmin(actor);
    const updated = await this.changeWithEvent(CatalogEvents.productUpdated, ADJUST_STOCK, [delta, new Date(), sku, delta, delta, MAX_STOCK], true);
    if (updated) return updated;
    // Nothing matched: a missing product is NOT_FOUND (get throws it), an existing one broke a bound.
    const current = await this.get({ sku });
    if (current.stock + delta > MAX_STOCK) {
      throw new ApplicationError(ErrorCodes.VALIDATION_FAILED, 'The request is invalid.', {
        fieldErrors: [{ field: 'delta', message: `stock would exceed ${MAX_STOCK} (it is ${current.stock})` }],
      });
    }
    throw new ApplicationError(
      ErrorCodes.CATALOG_STOCK_BELOW_RESERVED,
      `Stock of ${sku} cannot go below its ${current.reserved} reserved units (it is ${current.stock}, delta ${delta})`,
      { stock: current.stock, reserved: current.reserved, delta },
    );
  }

  /**
   * Runs one statement that returns the changed product row, and writes its event in the same transaction.
   * `mayMatchNothing`: undefined instead of a row when the statement's condition matched no product.
   */
  private async changeWithEvent(type: string, sql: string, params: unknown[]): Promise<ProductView>;
  private async changeWithEvent(type: string, sql: string, params: unknown[], mayMatchNothing: true): Promise<ProductView | undefined>;
  private async changeWithEvent(type: string, sql: string, params: unknown[], mayMatchNothing = false): Promise<ProductView | undefined> {
    let rows: OutboxMessage[] = [];
    const view = await this.em.fork().transactional(async (tx) => {
      const [row] = await tx.execute<ProductRow[]>(sql, params);
      if (!row) return undefined;
      rows = this.outbox.add(tx, createEvent(type, ProductChangedEvent.VERSION, toProductChangedData(row), { source: SOURCE }));
      return toProductView(row);
    });
    if (view === undefined) {
      if (!mayMatchNothing) throw new ApplicationError(ErrorCodes.INTERNAL, 'A product write matched no row');
      return undefined;
    }
    this.outbox.notifyCommitted(rows);
    return view;
  }

  private assertAdmin(actor: Actor): void {
    if (!isAdmin(actor)) throw adminOnly();
  }
}
