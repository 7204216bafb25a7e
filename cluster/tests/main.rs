//! palisade-cluster against a fake API server (`palisade-fake-api`): the live inventory's
//! reflectors through list, watch, bookmarks, disconnects, 410 Gone and pagination.

mod reflectors;
mod support;
