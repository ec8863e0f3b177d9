#include "demo_backend.hpp"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

DemoBackend::DemoBackend(int delayMs, QObject* parent) : QObject(parent), delayMs_(delayMs) {
    connect(&server_, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = server_.nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            auto pending = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket, pending] {
                pending->append(socket->readAll());
                // A request ends at its blank line (the tour sends no bodies); a partial one waits.
                for (qsizetype end; (end = pending->indexOf("\r\n\r\n")) >= 0;) {
                    pending->remove(0, end + 4);
                    QTimer::singleShot(delayMs_, socket, [socket] {
                        static const QByteArray body = "Hello from a demo upstream\n";
                        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(body.size()) +
                                      "\r\n\r\n" + body);
                    });
                }
            });
        }
    });
}

bool DemoBackend::listen(quint16 port) { return server_.listen(QHostAddress::LocalHost, port); }
