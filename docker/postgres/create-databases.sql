-- Each service owns its database (the services never create one themselves).
CREATE DATABASE plinth_auth;
CREATE DATABASE plinth_users;
CREATE DATABASE plinth_orders;
CREATE DATABASE plinth_notifications;
CREATE DATABASE plinth_catalog;
