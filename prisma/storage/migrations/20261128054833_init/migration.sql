-- CreateTable
CREATE TABLE "storage_objects" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "content_type" TEXT,
    "created_date" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "storage_objects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "storage_objects_owner_created_date_id_idx" ON "storage_objects"("owner", "created_date" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "storage_objects_owner_key_key" ON "storage_objects"("owner", "key");
