//! Starting and stopping the server. [`start`] loads policies, inventory and certificate, binds
//! both listeners and returns a [`Running`] server; [`Running::shutdown`] turns readiness off,
//! waits the shutdown delay (so the API server stops sending), stops accepting, lets in-flight
//! requests finish within the grace period and returns.

use crate::state::{Source, State};
use crate::{ServerOptions, WebhookError, health, routes, tls, watch};
use hyper::service::{Service as _, service_fn};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch as signal;
use tokio::task::JoinHandle;

/// A started server.
#[derive(Debug)]
pub struct Running {
    /// Address of the TLS listener (useful with port 0).
    pub addr: SocketAddr,
    /// Address of the metrics and health listener.
    pub metrics_addr: SocketAddr,
    state: Arc<State>,
    stop: signal::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Loads everything, binds both listeners and starts serving.
pub async fn start(
    options: ServerOptions,
    source: Arc<dyn Source>,
) -> Result<Running, WebhookError> {
    // Fingerprinted before anything is read: a change made while loading is seen by the
    // first poll, never missed.
    let seen = watch::Seen::now(&options, source.as_ref());
    let loader = source.clone();
    let policies = tokio::task::spawn_blocking(move || loader.load())
        .await
        .map_err(|e| WebhookError::Policies(e.to_string()))?
        .map_err(WebhookError::Policies)?;
    let objects = match source.inventory_path() {
        Some(_) => source.read_inventory().map_err(WebhookError::Inventory)?,
        None => Vec::new(),
    };
    let loaded = tls::load(&options.cert, &options.key)?;
    let resolver = Arc::new(tls::Resolver::new(loaded.key));
    let tls_config = Arc::new(tls::server_config(resolver.clone())?);
    let listen = |addr: SocketAddr| async move {
        TcpListener::bind(addr)
            .await
            .map_err(|source| WebhookError::Listen { addr, source })
    };
    let listener = listen(options.listen).await?;
    let metrics_listener = listen(options.metrics_listen).await?;
    let local = |l: &TcpListener, addr: SocketAddr| {
        l.local_addr()
            .map_err(|source| WebhookError::Listen { addr, source })
    };
    let addr = local(&listener, options.listen)?;
    let metrics_addr = local(&metrics_listener, options.metrics_listen)?;
    let state = State::new(policies, objects, options, resolver, source)
        .map_err(|e| WebhookError::Policies(format!("starting evaluator threads: {e}")))?;
    let state = Arc::new(state);
    state.metrics.set_cert_not_after(loaded.not_after);
    state.metrics.set_ready(true);
    state.metrics.set_inventory_synced(true);
    let (stop, stopped) = signal::channel(false);
    let tasks = vec![
        tokio::spawn(accept_tls(
            listener,
            tls_config,
            routes::router(state.clone()),
            state.clone(),
            stopped.clone(),
        )),
        tokio::spawn(accept_plain(
            metrics_listener,
            health::router(state.clone()),
            stopped.clone(),
        )),
        tokio::spawn(watch::run(state.clone(), seen, stopped)),
    ];
    tracing::info!(%addr, %metrics_addr, "palisade webhook ready");
    Ok(Running {
        addr,
        metrics_addr,
        state,
        stop,
        tasks,
    })
}

impl Running {
    /// The handle a live inventory feeds.
    pub fn live_inventory(&self) -> crate::LiveInventory {
        crate::LiveInventory {
            state: self.state.clone(),
        }
    }

    /// The server's metrics, as `/metrics` renders them.
    pub fn metrics(&self) -> String {
        self.state.metrics.render()
    }

    /// Graceful shutdown: readiness off, wait `delay`, stop accepting, drain, return.
    pub async fn shutdown(self, delay: Duration) {
        self.state.shutting_down.store(true, Ordering::Relaxed);
        self.state.metrics.set_ready(false);
        tracing::info!(?delay, "shutting down: readiness off");
        tokio::time::sleep(delay).await;
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        tracing::info!("shut down");
    }
}

fn builder(state: &State) -> Builder<TokioExecutor> {
    let mut b = Builder::new(TokioExecutor::new());
    // HTTP/1.1: the headers of each request (the first, and the next on a kept-alive connection)
    // must arrive within the read timeout, so slow or idle clients cannot hold a connection.
    b.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(state.options.read_timeout)
        .keep_alive(true);
    // HTTP/2: pings detect dead peers; a connection whose pings go unanswered is closed.
    b.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(state.options.idle_timeout / 3))
        .keep_alive_timeout(Duration::from_secs(10))
        .max_concurrent_streams(256);
    b
}

async fn accept_tls(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
    router: axum::Router,
    state: Arc<State>,
    mut stop: signal::Receiver<bool>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let builder = builder(&state);
    let graceful = GracefulShutdown::new();
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(router.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let handshake = state.options.read_timeout;
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(handshake, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return tracing::debug!(%peer, "TLS handshake failed: {e}"),
                Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
            };
            // The first request must arrive within the read timeout too. Before it, hyper reads
            // the first bytes (to tell HTTP/1.1 from HTTP/2) and an HTTP/2 preface with no
            // deadline, so a client that completes the handshake and sends nothing would hold
            // the connection forever. Later requests: HTTP/1.1's header timeout, HTTP/2's pings.
            let requested = Arc::new(AtomicBool::new(false));
            let flag = requested.clone();
            let service = service_fn(move |request| {
                flag.store(true, Ordering::Relaxed);
                service.call(request)
            });
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
            let conn = watcher.watch(conn.into_owned());
            tokio::pin!(conn);
            let result = tokio::select! {
                result = &mut conn => result,
                () = tokio::time::sleep(handshake) => {
                    if !requested.load(Ordering::Relaxed) {
                        return tracing::debug!(%peer, "no request within the read timeout");
                    }
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, "connection ended: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(state.options.grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("grace period over with requests still in flight");
    }
}

async fn accept_plain(
    listener: TcpListener,
    router: axum::Router,
    mut stop: signal::Receiver<bool>,
) {
    let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stop.changed().await;
    });
    if let Err(e) = serve.await {
        tracing::error!("metrics listener failed: {e}");
    }
}
