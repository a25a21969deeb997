"""zhtj: 智慧团建 as a GraphQL service."""
