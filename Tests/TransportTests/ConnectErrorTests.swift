import NacosTestKit
import NacosTransport
import Testing

@Suite struct ConnectErrorTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func connectToAPortNobodyListensOnIsRefused(host: String) async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group)
            let listener = try await transport.listen(on: try NacosSocketAddress(ipAddress: host, port: 0)) { $0.close(flush: false) }
            let address = listener.localAddress
            await listener.close()
            do {
                let connection = try await transport.connect(to: address, timeout: .seconds(5))
                connection.close(flush: false)
                Issue.record("connected to \(address), which nobody listens on")
            } catch {
                #expect(error.transportCode == .connectionRefused, "\(error)")
            }
        }
    }

    /// A listener with a backlog of 0 that never accepts holds one connection in its accept queue; the
    /// kernel then drops further SYNs, so the next connect hangs until the connect timeout fires.
    @Test func connectToAListenerWhoseAcceptQueueIsFullTimesOut() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group)
            let stuck = try RawListener(backlog: 0)
            let address = NacosSocketAddress.loopbackIPv4(port: stuck.port)
            let timeout = Duration.milliseconds(200)
            var queued: [any NacosConnection] = []
            var timedOut = false
            let clock = ContinuousClock()
            for _ in 0..<6 where !timedOut {
                let start = clock.now
                do {
                    queued.append(try await transport.connect(to: address, timeout: timeout))
                } catch {
                    let elapsed = clock.now - start
                    #expect(error.transportCode == .connectTimeout, "\(error)")
                    // Not before the deadline. (No upper bound: on a loaded machine the waiting task may resume
                    // late; the kernel's own SYN retries would take minutes and fail with another code.)
                    #expect(elapsed >= timeout, "gave up after \(elapsed), before the \(timeout) timeout")
                    timedOut = true
                }
            }
            #expect(timedOut, "no connect timed out; \(queued.count) connects completed")
            #expect(queued.count >= 1 && queued.count <= 2, "connections the kernel queued: \(queued.count)")
            for connection in queued {
                connection.close(flush: false)
                _ = await connection.closed()
            }
            withExtendedLifetime(stuck) {}
        }
    }

    @Test func tcpCannotConnectToAnInMemoryAddress() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group)
            do {
                _ = try await transport.connect(to: .inMemory("somewhere"))
                Issue.record("TCP connected to an in-memory address")
            } catch {
                #expect(error.transportCode == .invalidAddress)
            }
        }
    }

    @Test func listeningTwiceOnTheSameTCPPortFails() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosTCPTransport(group: group)
            let listener = try await transport.listen(on: .loopbackIPv4()) { $0.close(flush: false) }
            await #expect(throws: NacosTransportError.self) {
                _ = try await transport.listen(on: listener.localAddress) { $0.close(flush: false) }
            }
            await listener.close()
        }
    }

    @Test func invalidAddressesAreRejected() {
        #expect(throws: NacosTransportError(.invalidAddress, "'localhost' is not a numeric IPv4 or IPv6 address")) {
            _ = try NacosSocketAddress(ipAddress: "localhost", port: 1)
        }
        for (host, port) in [("256.0.0.1", 1), ("127.0.0.1", 65_536), ("127.0.0.1", -1), ("", 80)] {
            do {
                _ = try NacosSocketAddress(ipAddress: host, port: port)
                Issue.record("\(host) port \(port) was accepted")
            } catch {
                #expect(error.code == .invalidAddress)
            }
        }
        #expect((try? NacosSocketAddress(ipAddress: "[::1]", port: 8848))?.family == .ipv6)
        #expect((try? NacosSocketAddress(ipAddress: "[::1]", port: 8848))?.host == "::1")
        #expect((try? NacosSocketAddress(ipAddress: "10.1.2.3", port: 0))?.family == .ipv4)
    }

    // MARK: - In-memory

    @Test func inMemoryConnectToAnUnknownNameIsRefused() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group)
            let listener = try await transport.listen(on: .inMemory("known")) { $0.close(flush: false) }
            do {
                _ = try await transport.connect(to: .inMemory("unknown"))
                Issue.record("connected to an unknown in-memory name")
            } catch {
                #expect(error.transportCode == .connectionRefused)
            }
            // Names are per transport instance.
            let other = NacosInMemoryTransport(group: group)
            do {
                _ = try await other.connect(to: .inMemory("known"))
                Issue.record("connected to a name registered with another transport")
            } catch {
                #expect(error.transportCode == .connectionRefused)
            }
            // A closed listener's name is refused too.
            await listener.close()
            do {
                _ = try await transport.connect(to: .inMemory("known"))
                Issue.record("connected to a closed in-memory listener")
            } catch {
                #expect(error.transportCode == .connectionRefused)
            }
        }
    }

    @Test func inMemoryListeningTwiceOnTheSameNameFails() async throws {
        try await withEventLoopGroup { group in
            let transport = NacosInMemoryTransport(group: group)
            let first = try await transport.listen(on: .inMemory("twice")) { $0.close(flush: false) }
            #expect(first.localAddress == .inMemory("twice"))
            do {
                _ = try await transport.listen(on: .inMemory("twice")) { $0.close(flush: false) }
                Issue.record("a second listener took the same in-memory name")
            } catch {
                #expect(error.transportCode == .invalidAddress)
            }
            // Once the first listener closes, the name is free again.
            await first.close()
            let second = try await transport.listen(on: .inMemory("twice")) { $0.close(flush: false) }
            await second.close()
            // Unnamed listeners get distinct names.
            let a = try await transport.listen(on: .inMemory("")) { $0.close(flush: false) }
            let b = try await transport.listen(on: .inMemory("")) { $0.close(flush: false) }
            #expect(a.localAddress != b.localAddress)
            await a.close()
            await b.close()
        }
    }
}
