-- CreateTable
CREATE TABLE "transfers" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "source_chain" TEXT NOT NULL,
    "target_chain" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "amount" DECIMAL(78,18) NOT NULL,
    "status" TEXT NOT NULL,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "transfers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "transfers_idempotency_key_key" ON "transfers"("idempotency_key");

-- CreateIndex
CREATE INDEX "transfers_user_id_created_at_id_idx" ON "transfers"("user_id", "created_at" DESC, "id" DESC);
