#pragma once
#include <QObject>
#include <QTcpServer>

// A tiny HTTP/1.1 backend on 127.0.0.1 for the screenshot tour's upstreams: every request (GET, no
// body) is answered 200 after `delayMs`, on kept-alive connections, in order. Until it listens, its
// port refuses connections, which is how the tour makes an upstream fail and then recover.
class DemoBackend : public QObject {
    Q_OBJECT
public:
    DemoBackend(int delayMs, QObject* parent);
    bool listen(quint16 port);

private:
    QTcpServer server_;
    int delayMs_;
};
