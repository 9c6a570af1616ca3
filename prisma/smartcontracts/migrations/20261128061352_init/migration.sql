-- CreateTable
CREATE TABLE "contracts" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "script_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contracts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transactions" (
    "id" UUID NOT NULL,
    "user_id" BIGINT NOT NULL,
    "contract_id" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "amount" DECIMAL(38,8),
    "payload" JSONB,
    "status" TEXT NOT NULL DEFAULT 'submitted',
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "contracts_name_key" ON "contracts"("name");

-- CreateIndex
CREATE UNIQUE INDEX "contracts_script_hash_key" ON "contracts"("script_hash");

-- CreateIndex
CREATE INDEX "transactions_user_id_created_at_id_idx" ON "transactions"("user_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "transactions_created_at_id_idx" ON "transactions"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "transactions_contract_id_idx" ON "transactions"("contract_id");

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
