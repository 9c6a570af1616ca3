-- CreateEnum
CREATE TYPE "WidgetState" AS ENUM ('DRAFT', 'ACTIVE', 'RETIRED');

-- CreateTable
CREATE TABLE "owners" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "owners_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "widgets" (
    "id" BIGSERIAL NOT NULL,
    "owner_id" UUID NOT NULL,
    "label" VARCHAR(120) NOT NULL,
    "state" "WidgetState" NOT NULL DEFAULT 'DRAFT',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "widgets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "widgets_created_at_idx" ON "widgets"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "widgets_owner_id_label_key" ON "widgets"("owner_id", "label");

-- AddForeignKey
ALTER TABLE "widgets" ADD CONSTRAINT "widgets_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE CASCADE;
