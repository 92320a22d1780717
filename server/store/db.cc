#include "server/store/db.h"

#include "lib/util/status_macros.h"

namespace catalog::store {

absl::StatusOr<Transaction> Transaction::Begin(Connection& db, TxnMode mode) {
  RETURN_IF_ERROR(db.Begin(mode));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) db_->Rollback();
}

absl::Status Transaction::Commit() {
  absl::Status s = db_->Commit();
  // On failure the destructor rolls back.
  if (s.ok()) db_ = nullptr;
  return s;
}

}  // namespace catalog::store
