-- AlterTable
ALTER TABLE "owners" ADD COLUMN     "email" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "owners_email_key" ON "owners"("email");
