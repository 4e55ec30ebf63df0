#pragma once

#include <QString>

namespace Billstream {

// Sets the organisation and application names that QStandardPaths and QSettings use,
// identically in billstream and billstream-cli, so both find the same default store.
void setApplicationIdentity();

// The store path to use: the explicit one, else $BILLSTREAM_STORE, else
// QStandardPaths::AppDataLocation + "/store.sqlite" (CLI.md).
QString resolveStorePath(const QString &explicitPath = {});

// The tenant id rules of DOMAIN.md: 1–64 of A-Z a-z 0-9 . _ -
bool isValidIdentifier(const QString &id);

} // namespace Billstream
