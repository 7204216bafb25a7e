//! Test traffic between namespaces: tiny HTTP and UDP echo backends that serve a fixed number
//! of requests and stop, and clients. Addresses are 198.18.0.0/15 only; every loop is bounded.

use super::topology::{Topology, in_netns};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the backends of the netns test: pod 1 (198.18.0.30) answers 3 HTTP calls on 8080 and
/// 3 UDP datagrams on 5353; pod 2 (198.18.0.40) answers 3 HTTP calls. Returns once bound.
pub fn start_backends(topology: &Topology) -> Vec<JoinHandle<()>> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let mut handles = Vec::new();
    for (pod, ip, http_calls, udp_calls) in [
        (topology.pod(1), "198.18.0.30", 3, 3),
        (topology.pod(2), "198.18.0.40", 3, 0),
    ] {
        let ready = ready_tx.clone();
        handles.push(in_netns(pod, move || {
            let listener =
                TcpListener::bind((ip, 8080)).unwrap_or_else(|e| panic!("bind {ip}: {e}"));
            let udp = (udp_calls > 0)
                .then(|| UdpSocket::bind((ip, 5353)).unwrap_or_else(|e| panic!("{e}")));
            ready.send(()).unwrap_or_else(|e| panic!("{e}"));
            if let Some(udp) = udp {
                std::thread::spawn(move || serve_udp(&udp, udp_calls));
            }
            serve_http(&listener, http_calls, ip);
        }));
    }
    for _ in 0..handles.len() {
        ready_rx
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|e| panic!("backends not ready: {e}"));
    }
    handles
}

/// Answers `calls` HTTP requests with the server's address as the body, then returns.
pub fn serve_http(listener: &TcpListener, calls: usize, body: &str) {
    listener
        .set_nonblocking(true)
        .unwrap_or_else(|e| panic!("{e}"));
    let deadline = Instant::now() + TIMEOUT;
    let mut served = 0;
    while served < calls && Instant::now() < deadline {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream
                    .set_nonblocking(false)
                    .unwrap_or_else(|e| panic!("{e}"));
                stream
                    .set_read_timeout(Some(TIMEOUT))
                    .unwrap_or_else(|e| panic!("{e}"));
                let mut request = Vec::new();
                let mut chunk = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&chunk[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
                served += 1;
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn serve_udp(socket: &UdpSocket, calls: usize) {
    socket
        .set_read_timeout(Some(TIMEOUT))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut buf = [0u8; 512];
    for _ in 0..calls {
        match socket.recv_from(&mut buf) {
            Ok((n, peer)) => drop(socket.send_to(&buf[..n], peer)),
            Err(_) => return,
        }
    }
}

/// `GET /` over HTTP/1.0; returns the body.
pub fn http_get(addr: &str) -> String {
    let addr: SocketAddr = addr.parse().unwrap_or_else(|e| panic!("{addr}: {e}"));
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(TIMEOUT))
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: api\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .unwrap_or_else(|e| panic!("read {addr}: {e}"));
    assert!(
        response.starts_with("HTTP/1.0 200"),
        "{addr} answered {response:?}"
    );
    response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

/// Exchanges one datagram (and its echo) from each of `count` sockets, all open at once so
/// that their source ports, and so their conntrack entries, differ.
pub fn udp_exchanges(addr: &str, count: usize) {
    let sockets: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind("0.0.0.0:0").unwrap_or_else(|e| panic!("{e}")))
        .collect();
    for socket in &sockets {
        socket
            .set_read_timeout(Some(TIMEOUT))
            .unwrap_or_else(|e| panic!("{e}"));
        socket
            .send_to(b"ping", addr)
            .unwrap_or_else(|e| panic!("send {addr}: {e}"));
        let mut buf = [0u8; 16];
        let (n, _) = socket
            .recv_from(&mut buf)
            .unwrap_or_else(|e| panic!("no echo from {addr}: {e}"));
        assert_eq!(&buf[..n], b"ping");
    }
}

/// Sends one datagram from each of `count` sockets held open together (one conntrack entry
/// each: no source port is reused).
pub fn udp_burst(addr: &str, count: usize) {
    let sockets: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind("0.0.0.0:0").unwrap_or_else(|e| panic!("{e}")))
        .collect();
    for socket in &sockets {
        socket
            .send_to(b"x", addr)
            .unwrap_or_else(|e| panic!("send {addr}: {e}"));
    }
}

/// `GET path` over HTTP/1.1 with `Connection: close`; returns the status line and the body.
pub fn http_request(addr: &str, path: &str) -> (String, String) {
    let sock: SocketAddr = addr.parse().unwrap_or_else(|e| panic!("{addr}: {e}"));
    let mut stream = TcpStream::connect_timeout(&sock, TIMEOUT)
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream
        .set_read_timeout(Some(TIMEOUT))
        .unwrap_or_else(|e| panic!("{e}"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .unwrap_or_else(|e| panic!("read {addr}{path}: {e}"));
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}
