#pragma once
// A peer program a test drives (wrk, caddy). On a developer machine a missing one skips the test;
// under CI=true, where every peer is installed on purpose, it fails it, so CI cannot pass by skipping.
#include <QStandardPaths>
#include <QtTest>

namespace proxflow::ui::test {

inline bool missingPeerFails() { return qEnvironmentVariable("CI") == QLatin1String("true"); }

} // namespace proxflow::ui::test

// Declares `const QString var`, the program's path, or leaves the test function (QSKIP or QFAIL).
#define PROXFLOW_REQUIRE_PEER(var, program, hint)                                                              \
    const QString var = QStandardPaths::findExecutable(QStringLiteral(program));                               \
    if (var.isEmpty()) {                                                                                       \
        const QByteArray why = QByteArrayLiteral(program " is not installed (" hint ")");                      \
        if (proxflow::ui::test::missingPeerFails()) QFAIL((why + " and CI=true: a missing peer fails").constData()); \
        QSKIP(why.constData());                                                                                \
    }
