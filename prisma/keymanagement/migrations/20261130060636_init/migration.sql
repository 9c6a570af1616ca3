-- CreateTable
CREATE TABLE "keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "current_version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "rotated_at" TIMESTAMPTZ(3),

    CONSTRAINT "keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "key_versions" (
    "key_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "key_versions_pkey" PRIMARY KEY ("key_id","version")
);

-- CreateIndex
CREATE UNIQUE INDEX "keys_name_key" ON "keys"("name");

-- CreateIndex
CREATE INDEX "keys_created_at_id_idx" ON "keys"("created_at" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "key_versions" ADD CONSTRAINT "key_versions_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
